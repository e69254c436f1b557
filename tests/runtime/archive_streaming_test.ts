// How archive bytes travel: a docker-archive save streams each layer from the store into
// the archive (decompressed once, nothing staged in a temporary file), and a load hands the
// extracted files to the store by a rename (each byte read from the archive, hashed and
// written once). Observed at chosen phases of a recording file system, never by timing.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { NodeFileSystem, type WriteFileOptions } from "../../src/fs/mod.ts";
import { DigestMismatchError } from "../../src/errors.ts";
import { readTar } from "../../src/transports/_tar/mod.ts";
import {
  type Runtime,
  type RuntimeOptions,
  runtimeParts,
  type RuntimeSeams,
} from "../../src/runtime/mod.ts";
import { type ArchiveEnv, startArchiveEnv } from "./_archive_env.ts";

let env: ArchiveEnv;
before(async () => {
  env = await startArchiveEnv();
});
after(async () => {
  await env?.stop();
});

/**
 * A real file system that records what it opens and renames, and holds the stream of a
 * watched file before its second chunk until `onSecondChunk` resolves.
 */
class RecordingFileSystem extends NodeFileSystem {
  readonly reads: string[] = [];
  readonly writes: string[] = [];
  readonly renames: [string, string][] = [];
  watch: (path: string) => boolean = () => false;
  onSecondChunk: (path: string) => Promise<void> = () => Promise.resolve();

  override async openRead(path: string): Promise<ReadableStream<Uint8Array>> {
    this.reads.push(path);
    const stream = await super.openRead(path);
    if (!this.watch(path)) return stream;
    const reader = stream.getReader();
    let chunks = 0;
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        if (chunks === 1) await this.onSecondChunk(path);
        const { done, value } = await reader.read();
        if (done) return controller.close();
        chunks++;
        controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    }, { highWaterMark: 0 });
  }

  override openWrite(path: string, options?: WriteFileOptions) {
    this.writes.push(path);
    return super.openWrite(path, options);
  }

  override async rename(from: string, to: string): Promise<void> {
    this.renames.push([from, to]);
    await super.rename(from, to);
  }
}

/** A file system on which extracted files cannot be renamed into the store (EXDEV). */
class CrossDeviceFileSystem extends RecordingFileSystem {
  refused = 0;

  override async rename(from: string, to: string): Promise<void> {
    if (from.includes("/.stevedore-load-") && to.includes("/blobs/")) {
      this.refused++;
      throw Object.assign(new Error(`EXDEV: cross-device link, rename '${from}'`), {
        code: "EXDEV",
      });
    }
    await super.rename(from, to);
  }
}

/** A runtime over `fs` whose temporary files live in its store's `tmp/` (the default). */
function open(
  fs: RecordingFileSystem,
  options: RuntimeOptions & RuntimeSeams = {},
): Promise<Runtime> {
  return env.open({ fs, tmpDir: undefined, ...options });
}

/**
 * `localhost/<name>:1`, an image of two 300 KB layers, saved by another runtime as
 * `format` into a fresh archive.
 */
async function savedArchive(name: string, format: "oci-archive" | "docker-archive") {
  const source = await env.open();
  const added = await env.add(source, `localhost/${name}:1`, { layers: 2, layerSize: 300_000 });
  const archive = join(env.dir, `${name}-${format}.tar`);
  await source.save([`localhost/${name}:1`], { format, output: archive });
  return { ...added, archive };
}

/** The paths of the entries of the tar at `path`, in order. */
async function tarEntries(path: string): Promise<string[]> {
  const fs = new NodeFileSystem();
  const paths: string[] = [];
  for await (const entry of readTar(await fs.openRead(path), { what: path })) {
    paths.push(entry.path);
  }
  return paths;
}

/**
 * Saves `name`, an image of three random 1 MiB layers (several read chunks each, even
 * compressed), as `format` into a fresh folder, and checks how the bytes went: each layer
 * was read once, and while it flowed nothing but the archive being written existed (no
 * staging folder, no temporary blob file); the archive loads back with the same ID.
 */
async function watchedSave(format: "oci-archive" | "docker-archive", name: string) {
  const fs = new RecordingFileSystem();
  const runtime = await open(fs);
  const { image, record } = await env.add(runtime, name, { layers: 3, layerSize: 1024 * 1024 });
  const out = join(env.dir, `watched-${format}`);
  await mkdir(out);
  const output = join(out, "image.tar");
  const blobs = image.layers.map((layer) => `/blobs/sha256/${layer.digest.slice(7)}`);
  fs.watch = (path) => blobs.some((blob) => path.endsWith(blob));
  const seen: { tmp: string[]; out: string[] }[] = [];
  fs.onSecondChunk = async () => {
    seen.push({
      tmp: await readdir(join(runtimeParts(runtime).store.root, "tmp")),
      out: await readdir(out),
    });
  };
  fs.writes.length = 0;
  await runtime.save([name], { format, output });
  assert.equal(seen.length, 3);
  for (const { tmp, out: files } of seen) {
    assert.deepEqual(tmp, []);
    assert.equal(files.length, 1);
    assert.match(files[0], /^image\.tar\.tmp-/);
  }
  assert.equal(fs.reads.filter((path) => fs.watch(path)).length, 3);
  assert.deepEqual(await readdir(out), ["image.tar"]);
  const target = await env.open();
  assert.deepEqual(await target.load(output), [name]);
  const [loaded] = await runtimeParts(target).store.images();
  assert.equal(loaded.id, record.id);
  assert.deepEqual(loaded.diffIds, image.layers.map((layer) => layer.diffId));
  return { image, record, output, fs };
}

describe("archive streaming", () => {
  it("a docker-archive save streams each layer into the archive, staging nothing", async () => {
    const { image, output } = await watchedSave("docker-archive", "localhost/streamed-save:1");
    // Written one after another, in the manifest's order, after the config.
    const entries = await tarEntries(output);
    const diffIds = image.layers.map((layer) => `${layer.diffId.slice(7)}.tar`);
    assert.deepEqual(entries.slice(0, 4), [`${image.config.digest.slice(7)}.json`, ...diffIds]);
    assert.deepEqual(entries.slice(-2), ["manifest.json", "repositories"]);
  });

  it("an oci-archive save streams each blob into the archive, staging no layout", async () => {
    const { image, record, output, fs } = await watchedSave(
      "oci-archive",
      "localhost/streamed-oci:1",
    );
    assert.equal(fs.writes.length, 1, String(fs.writes));
    // The layout's marker first, the blobs in order (config, layers, manifest), the index last.
    const blob = (digest: string) => `blobs/sha256/${digest.slice(7)}`;
    assert.deepEqual(await tarEntries(output), [
      "oci-layout",
      "blobs",
      "blobs/sha256",
      blob(image.config.digest),
      ...image.layers.map((layer) => blob(layer.digest)),
      blob(record.manifestDigest),
      "index.json",
    ]);
  });

  it("a docker-archive save of a layer read in many chunks holds every byte", async () => {
    // A 6 MiB layer: read in several 1 MiB chunks, whose buffers are filled again once
    // decoded, and decoded into pieces filled again once written.
    const runtime = await open(new RecordingFileSystem());
    const { image, record } = await env.add(runtime, "localhost/many-chunks:1", {
      layers: 1,
      layerSize: 6 * 1024 * 1024,
    });
    const output = join(env.dir, "many-chunks.tar");
    await runtime.save(["localhost/many-chunks:1"], { format: "docker-archive", output });
    const target = await env.open();
    assert.deepEqual(await target.load(output), ["localhost/many-chunks:1"]);
    const [loaded] = await runtimeParts(target).store.images();
    assert.equal(loaded.id, record.id);
    assert.deepEqual(loaded.diffIds, [image.layers[0].diffId]);
    assert.deepEqual(
      await runtimeParts(target).store.readBlobBytes(image.layers[0].diffId),
      image.layers[0].tar,
    );
  });

  for (const format of ["oci-archive", "docker-archive"] as const) {
    it(`saving ${format} to a stream writes into it as the layers are read, staging nothing`, async () => {
      const fs = new RecordingFileSystem();
      const runtime = await open(fs);
      const name = `localhost/piped-save-${format}:1`;
      const { image, record } = await env.add(runtime, name, { layers: 3, layerSize: 1024 * 1024 });
      const blobs = image.layers.map((layer) => `/blobs/sha256/${layer.digest.slice(7)}`);
      fs.watch = (path) => blobs.some((blob) => path.endsWith(blob));
      const chunks: Uint8Array[] = [];
      let received = 0;
      const seen: { received: number; tmp: string[] }[] = [];
      fs.onSecondChunk = async () => {
        seen.push({ received, tmp: await readdir(join(runtimeParts(runtime).store.root, "tmp")) });
      };
      fs.writes.length = 0;
      const output = new WritableStream<Uint8Array>({
        write(chunk) {
          chunks.push(chunk.slice());
          received += chunk.length;
        },
      });
      await runtime.save([name], { format, output });
      // While each layer was read, the archive's earlier entries had reached the stream
      // already, and nothing was written to a file: no temporary archive, no staging.
      assert.equal(seen.length, 3);
      let before = 0;
      for (const { received: bytes, tmp } of seen) {
        assert.ok(bytes > before, `${bytes} bytes had reached the stream`);
        before = bytes;
        assert.deepEqual(tmp, []);
      }
      assert.deepEqual(fs.writes, []);
      const copy = join(env.dir, `piped-save-${format}.tar`);
      await writeFile(copy, new Uint8Array(await new Blob(chunks as BlobPart[]).arrayBuffer()));
      const target = await env.open();
      assert.deepEqual(await target.load(copy), [name]);
      assert.equal((await runtimeParts(target).store.images())[0].id, record.id);
    });

    it(`saving ${format} to a stream that fails aborts the stream and leaves nothing`, async () => {
      const fs = new RecordingFileSystem();
      const runtime = await open(fs);
      const name = `localhost/broken-save-${format}:1`;
      const { image } = await env.add(runtime, name, { layers: 3, layerSize: 100_000 });
      // The last layer's stored bytes are damaged (same size, other content).
      const root = runtimeParts(runtime).store.root;
      const last = image.layers[2];
      await writeFile(
        join(root, "blobs", "sha256", last.digest.slice(7)),
        new Uint8Array(last.size),
      );
      fs.writes.length = 0;
      let aborted: unknown;
      let received = 0;
      const output = new WritableStream<Uint8Array>({
        write(chunk) {
          received += chunk.length;
        },
        abort(reason) {
          aborted = reason;
        },
      });
      await assert.rejects(runtime.save([name], { format, output }));
      // The first entries went out as they were written; the stream then learned of the
      // failure instead of seeing an end.
      assert.ok(received > 0);
      assert.ok(aborted !== undefined, "the stream was not aborted");
      assert.deepEqual(await readdir(join(root, "tmp")), []);
      assert.deepEqual(fs.writes, []);
    });
  }

  it("a save to a stream whose reader fails stops, leaving nothing", async () => {
    const fs = new RecordingFileSystem();
    const runtime = await open(fs);
    await env.add(runtime, "localhost/refused:1", { layers: 3, layerSize: 300_000 });
    const root = runtimeParts(runtime).store.root;
    for (const format of ["oci-archive", "docker-archive"] as const) {
      let writes = 0;
      const output = new WritableStream<Uint8Array>({
        write() {
          if (++writes === 2) throw new DigestMismatchError("the reader", "a", "b", 0);
        },
      });
      await assert.rejects(
        runtime.save(["localhost/refused:1"], { format, output }),
        DigestMismatchError,
      );
      assert.deepEqual(await readdir(join(root, "tmp")), []);
    }
  });

  for (const format of ["oci-archive", "docker-archive"] as const) {
    it(`a load of ${format} moves the extracted layers into the store`, async () => {
      const { image, archive } = await savedArchive("moved", format);
      const fs = new RecordingFileSystem();
      const runtime = await open(fs);
      const root = runtimeParts(runtime).store.root;
      fs.reads.length = fs.writes.length = fs.renames.length = 0;
      assert.deepEqual(await runtime.load(archive), ["localhost/moved:1"]);
      const [record] = await runtimeParts(runtime).store.images();
      assert.deepEqual(record.diffIds, image.layers.map((layer) => layer.diffId));
      assert.deepEqual(record.diffSizes, image.layers.map((layer) => layer.tar.length));
      for (const digest of record.layers) {
        const blob = join(root, "blobs", "sha256", digest.slice(7));
        // The layer reached the store by a rename of its extracted file...
        const moves = fs.renames.filter(([, to]) => to === blob);
        assert.equal(moves.length, 1, `${digest} was not moved`);
        const [extracted] = moves[0];
        assert.ok(extracted.startsWith(join(root, "tmp", ".stevedore-load-")), extracted);
        // ...written once (at extraction), and never read back.
        assert.equal(fs.writes.filter((path) => path === extracted).length, 1);
        assert.deepEqual(fs.reads.filter((path) => path === extracted || path === blob), []);
      }
      assert.deepEqual(await readdir(join(root, "tmp")), []);
    });
  }

  for (const format of ["oci-archive", "docker-archive"] as const) {
    it(`a pull from ${format}: moves the extracted layers into the store`, async () => {
      const { image, archive } = await savedArchive(`pulled-${format}`, format);
      const fs = new RecordingFileSystem();
      const runtime = await open(fs);
      const root = runtimeParts(runtime).store.root;
      fs.reads.length = fs.writes.length = fs.renames.length = 0;
      await runtime.pull(`${format}:${archive}`);
      const [record] = await runtimeParts(runtime).store.images();
      assert.deepEqual(record.names, [`localhost/pulled-${format}:1`]);
      assert.deepEqual(record.diffIds, image.layers.map((layer) => layer.diffId));
      for (const digest of record.layers) {
        const blob = join(root, "blobs", "sha256", digest.slice(7));
        // The layer reached the store by a rename of its extracted file...
        const moves = fs.renames.filter(([, to]) => to === blob);
        assert.equal(moves.length, 1, `${digest} was not moved`);
        const [extracted] = moves[0];
        assert.ok(extracted.startsWith(join(root, "tmp", `.stevedore-${format}-`)), extracted);
        // ...written once (at extraction), and never read back.
        assert.equal(fs.writes.filter((path) => path === extracted).length, 1);
        assert.deepEqual(fs.reads.filter((path) => path === extracted || path === blob), []);
      }
      assert.deepEqual(await readdir(join(root, "tmp")), []);
    });
  }

  it("a load whose extracted files cannot be moved (another device) streams them instead", async () => {
    const { image, archive } = await savedArchive("far", "oci-archive");
    const fs = new CrossDeviceFileSystem();
    const runtime = await open(fs);
    const root = runtimeParts(runtime).store.root;
    assert.deepEqual(await runtime.load(archive), ["localhost/far:1"]);
    assert.ok(fs.refused > 0, "no move was tried");
    const [record] = await runtimeParts(runtime).store.images();
    assert.deepEqual(record.diffIds, image.layers.map((layer) => layer.diffId));
    for (const layer of image.layers) {
      assert.deepEqual(await runtimeParts(runtime).store.readBlobBytes(layer.digest), layer.bytes);
    }
    assert.deepEqual(await readdir(join(root, "tmp")), []);
  });

  it("a load from a stream extracts it as it arrives: no copy of the archive is spooled", async () => {
    const { record, archive } = await savedArchive("piped", "oci-archive");
    const fs = new RecordingFileSystem();
    const runtime = await open(fs);
    const root = runtimeParts(runtime).store.root;
    fs.writes.length = 0;
    const stream = await new NodeFileSystem().openRead(archive);
    assert.deepEqual(await runtime.load(stream), ["localhost/piped:1"]);
    // Only the extracted files were written (and the store's records, manifest and config).
    const load = join(root, "tmp", ".stevedore-load-");
    const extracted = fs.writes.filter((path) => path.startsWith(load));
    assert.ok(
      extracted.every((path) => /\/\.stevedore-load-[^/]+\/./.test(path)),
      String(extracted),
    );
    assert.ok(extracted.some((path) => path.endsWith(record.layers[0].slice(7))));
    assert.deepEqual(fs.writes.filter((path) => path.endsWith(".tar")), []);
    assert.deepEqual(await readdir(join(root, "tmp")), []);
  });
});
