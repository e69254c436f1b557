// A transport added to a Runtime with the capability to list a payload's images is a
// format `load` reads: the runtime names no format of its own.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DigestMismatchError, InvalidArchiveError, LoadError } from "../../src/errors.ts";
import type { FileSystem } from "../../src/fs/mod.ts";
import { type Runtime, runtimeParts } from "../../src/runtime/mod.ts";
import { writeTarAtomic } from "../../src/transports/_tar/mod.ts";
import type {
  ImageReference,
  ImageSource,
  ListedImage,
  Transport,
} from "../../src/transports/types.ts";
import { type RandomImage, randomImage, sha256 } from "../helpers/random_image.ts";
import { type ArchiveEnv, startArchiveEnv, storeState } from "./_archive_env.ts";

let env: ArchiveEnv;
before(async () => {
  env = await startArchiveEnv();
});
after(async () => {
  await env?.stop();
});

const enc = new TextEncoder();

/**
 * The toy format: a file `TOY` holding the image's full name, `manifest` its manifest, and
 * `blob-<hex>` each blob; as an archive or as a folder.
 */
function toyFiles(image: RandomImage, name: string): { path: string; body: Uint8Array }[] {
  return [
    { path: "TOY", body: enc.encode(name) },
    { path: "manifest", body: image.manifest.bytes },
    ...[...image.blobs].map(([digest, bytes]) => ({
      path: `blob-${digest.slice("sha256:".length)}`,
      body: bytes,
    })),
  ];
}

/** Reads the toy files of one payload. */
interface ToyFiles {
  readFile(path: string): Promise<Uint8Array>;
  open(path: string): Promise<ReadableStream<Uint8Array>>;
}

/** A read-only reference to the toy image of a payload. */
function toyReference(transport: Transport, where: string, files: ToyFiles): ImageReference {
  const reference: ImageReference = {
    transport,
    withinTransport: where,
    dockerReference: undefined,
    toString: () => `${transport.name}:${where}`,
    newSource: () => {
      const source: ImageSource = {
        reference,
        getManifest: async () => {
          const bytes = await files.readFile("manifest");
          const { mediaType } = JSON.parse(new TextDecoder().decode(bytes));
          return { bytes, mediaType, digest: sha256(bytes) };
        },
        getBlob: (blob) => files.open(`blob-${blob.digest.slice("sha256:".length)}`),
        close: () => Promise.resolve(),
      };
      return Promise.resolve(source);
    },
    newDestination: () => Promise.reject(new TypeError(`${reference} is read-only`)),
  };
  return reference;
}

async function toyImages(
  transport: Transport,
  what: string,
  files: ToyFiles & { has(path: string): Promise<boolean> },
): Promise<ListedImage[]> {
  if (!await files.has("TOY")) throw new InvalidArchiveError(what, "Missing", "no TOY");
  const name = new TextDecoder().decode(await files.readFile("TOY"));
  return [{ reference: toyReference(transport, what, files), names: [name] }];
}

function folderFiles(fs: FileSystem, dir: string) {
  return {
    has: (path: string) => fs.stat(join(dir, path)).then(() => true, () => false),
    readFile: (path: string) => fs.readFile(join(dir, path)),
    open: (path: string) => fs.openRead(join(dir, path)),
  };
}

/** The `toy:` transport: it parses nothing, but lists the images of toy payloads. */
const toyTransport: Transport = {
  name: "toy",
  parse: () => {
    throw new TypeError("toy: references are only loaded");
  },
  listArchiveImages: (payload) =>
    toyImages(toyTransport, `toy:${payload.path}`, {
      has: (path) => Promise.resolve(payload.files.has(path)),
      readFile: (path) => payload.files.readFile(path),
      open: (path) => payload.files.open(path),
    }),
  listFolderImages: (path, options) =>
    toyImages(toyTransport, `toy:${path}`, folderFiles(options.context.fs, path)),
};

async function toyArchive(name: string, image: RandomImage, file: string): Promise<string> {
  const path = join(env.dir, file);
  await writeTarAtomic(
    env.fs,
    path,
    toyFiles(image, name).map((entry) => ({ ...entry, kind: "file" as const })),
  );
  return path;
}

/** The formats of the standard transports, in the order `load` tries them. */
const STANDARD_FORMATS = ["oci", "oci-archive", "docker-archive", "dir"];

/** The `LoadError` loading `path` fails with. */
async function refusal(runtime: Runtime, path: string): Promise<LoadError> {
  const error = await runtime.load(path).then(() => assert.fail("loaded"), (e: unknown) => e);
  assert.ok(error instanceof LoadError, String(error));
  return error;
}

function formatsOf(error: LoadError): string[] {
  return error.errors.map(({ format }) => format);
}

describe("load with a transport added to the runtime", () => {
  it("reads a toy archive and a toy folder through the transport's capability", async () => {
    const image = randomImage({ layers: 2, layerSize: 300 });
    const archive = await toyArchive("docker.io/toy/app:1", image, "app.toy");
    const folder = join(env.dir, "app-toy");
    await mkdir(folder);
    for (const { path, body } of toyFiles(image, "docker.io/toy/app:2")) {
      await writeFile(join(folder, path), body);
    }
    const runtime = await env.open({ transports: [toyTransport] });
    assert.deepEqual(await runtime.load(archive), ["docker.io/toy/app:1"]);
    assert.deepEqual(await runtime.load(folder), ["docker.io/toy/app:2"]);
    const [record] = await runtimeParts(runtime).store.images();
    assert.equal(record.id, image.config.digest.slice("sha256:".length));
    assert.deepEqual(record.names, ["docker.io/toy/app:1", "docker.io/toy/app:2"]);
    assert.equal(record.manifestDigest, image.manifest.digest);
    await runtime.close();
  });

  it("a runtime without the transport refuses the toy archive, naming only its own formats", async () => {
    const path = await toyArchive("docker.io/toy/app:1", randomImage({ layers: 1 }), "plain.toy");
    const runtime = await env.open();
    assert.deepEqual(formatsOf(await refusal(runtime, path)), STANDARD_FORMATS);
    await runtime.close();
  });

  it("checks the transport's images by their bytes before storing any; its failure is listed last", async () => {
    const image = randomImage({ layers: 2, layerSize: 300 });
    const layer = image.layers[1];
    const tampered = layer.bytes.slice();
    tampered[tampered.length - 1] ^= 1;
    image.blobs.set(layer.digest, tampered);
    const path = await toyArchive("docker.io/toy/broken:1", image, "broken.toy");
    const runtime = await env.open({ transports: [toyTransport] });
    const before = await storeState(runtime);
    const error = await refusal(runtime, path);
    assert.deepEqual(formatsOf(error), [...STANDARD_FORMATS, "toy"]);
    const toy = error.errors[4].error;
    assert.ok(toy instanceof DigestMismatchError, String(toy));
    assert.match(toy.message, new RegExp(layer.digest));
    assert.deepEqual(await storeState(runtime), before);
    await runtime.close();
  });
});
