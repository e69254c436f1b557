// The image the edge tests pull: three gzip layers with files that the top layers change,
// delete (a whiteout), hide (an opaque folder) and link to, pushed to a real registry.
import { randomBytes } from "node:crypto";
import { packTar } from "modern-tar";
import { copyBetween } from "../../src/copy/mod.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { type RandomImage, randomImage } from "../helpers/random_image.ts";
import { after, before } from "node:test";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";

const text = (s: string) => new TextEncoder().encode(s);

/** What the image holds, by path: what a reader must see, `undefined` for no file. */
export interface EdgeImage {
  image: RandomImage;
  /** `host:port/repo:tag` in the registry. */
  reference: string;
  /** The expected content of files, and `undefined` for deleted or hidden ones. */
  expected: Record<string, Uint8Array | undefined>;
}

function file(name: string, data: Uint8Array) {
  return { header: { name, size: data.length, type: "file" as const, mode: 0o644 }, body: data };
}

/** Builds the image (`bigSize` random bytes in one file) and pushes it as `repoTag`. */
export async function pushEdgeImage(
  registry: RegistryServer,
  repoTag = "edge/app:1",
  bigSize = 300 * 1024,
): Promise<EdgeImage> {
  const big = new Uint8Array(randomBytes(bigSize));
  const layer1 = await packTar([
    { header: { name: "etc/", type: "directory", size: 0, mode: 0o755 } },
    file("etc/motd", text("first\n")),
    file("data/old.txt", text("to be deleted\n")),
    file("cache/a.txt", text("hidden by an opaque folder\n")),
  ]);
  const layer2 = await packTar([
    file("etc/motd", text("second\n")),
    file("data/.wh.old.txt", new Uint8Array(0)),
    file("cache/.wh..wh..opq", new Uint8Array(0)),
    file("cache/b.txt", text("kept\n")),
    file("srv/big.bin", big),
  ]);
  const layer3 = await packTar([
    file("www/index.html", text("<h1>stevedore on the edge</h1>\n")),
    { header: { name: "www/latest", type: "symlink", size: 0, linkname: "index.html" } },
    { header: { name: "opt", type: "symlink", size: 0, linkname: "/srv" } },
  ]);
  const image = randomImage({ layerTars: [layer1, layer2, layer3] });
  const memory = memoryTransport();
  memory.store.add(repoTag, image);
  await copyBetween(memory.parse(repoTag), `docker://${registry.registry}/${repoTag}`, {
    context: { fs: new NodeFileSystem(), tlsVerify: false },
  });
  const index = text("<h1>stevedore on the edge</h1>\n");
  return {
    image,
    reference: `${registry.registry}/${repoTag}`,
    expected: {
      "/etc/motd": text("second\n"),
      "/data/old.txt": undefined,
      "/cache/a.txt": undefined,
      "/cache/b.txt": text("kept\n"),
      "/srv/big.bin": big,
      "/opt/big.bin": big,
      "/www/index.html": index,
      "/www/latest": index,
      "/nowhere": undefined,
    },
  };
}

/**
 * Starts a registry with the edge image before the tests of the file and stops it after;
 * the returned function gives the image once it is there.
 */
export function useEdgeImage(): () => EdgeImage {
  let registry: RegistryServer | undefined;
  let edge: EdgeImage | undefined;
  before(async () => {
    registry = await startRegistry();
    edge = await pushEdgeImage(registry);
  });
  after(async () => {
    await registry?.stop();
  });
  return () => edge!;
}
