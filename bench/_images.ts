/**
 * The benchmark images, generated once into OCI layouts under a cache folder
 * (`$BENCH_CACHE_DIR`, default `<tmp>/stevedore-bench-images`) and reused by later runs
 * and other runtimes: gzip layers of a single file each whose content mixes random
 * 64 KiB chunks with word text, so they compress like real layers, only a little.
 *
 * - `big`: one layer of 200 MiB (uncompressed), 85 % random.
 * - `many`: 20 layers from 1 KiB to 20 MiB (geometric), 50 % random.
 * - `huge`: one layer of 1 GiB, 90 % random (for peak memory).
 * - `l1`, `l20`, `l100`: 1, 20 and 100 layers of 1 MiB each, 50 % random (cost per layer).
 * - `s50`: one layer of 50 MiB, 85 % random (with `big` and `huge`: cost per byte).
 *
 * @module
 */
import { createHash, randomFillSync } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { createGzip } from "node:zlib";
import { skopeoCopy } from "./_skopeo.ts";

/** The names of the benchmark images. */
export type BenchImageName = "big" | "many" | "huge" | "l1" | "l20" | "l100" | "s50";

/** A generated image in its own OCI layout. */
export interface BenchImage {
  /** The image's name (see the module's documentation). */
  name: BenchImageName;
  /** The layout folder (its `index.json` names the image `tag`). */
  layout: string;
  /** The ref name in the layout, `v1`. */
  tag: string;
  /** How many layers. */
  layers: number;
  /** The sum of the compressed layer sizes, in bytes. */
  compressedBytes: number;
  /** The sum of the uncompressed layer sizes, in bytes. */
  uncompressedBytes: number;
}

interface Spec {
  sizes: number[];
  randomShare: number;
}

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;

function specOf(name: BenchImageName): Spec {
  switch (name) {
    case "big":
      return { sizes: [200 * MiB], randomShare: 0.85 };
    case "huge":
      return { sizes: [1024 * MiB], randomShare: 0.9 };
    case "s50":
      return { sizes: [50 * MiB], randomShare: 0.85 };
    case "l1":
      return { sizes: [MiB], randomShare: 0.5 };
    case "l20":
      return { sizes: Array(20).fill(MiB), randomShare: 0.5 };
    case "l100":
      return { sizes: Array(100).fill(MiB), randomShare: 0.5 };
    case "many": {
      const ratio = Math.pow((20 * MiB) / 1024, 1 / 19);
      return {
        sizes: Array.from({ length: 20 }, (_, i) => Math.round(1024 * Math.pow(ratio, i))),
        randomShare: 0.5,
      };
    }
  }
}

/** The folder the layouts are cached in. */
export function cacheDir(): string {
  return process.env.BENCH_CACHE_DIR ?? join(tmpdir(), "stevedore-bench-images");
}

const encoder = new TextEncoder();
const WORDS = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor " +
  "incididunt ut labore et dolore magna aliqua usr bin lib share etc config json layer " +
  "image registry manifest digest blob index tar gzip").split(" ");

/** 16 chunks of word text, made with a fixed linear congruential generator. */
function textChunks(): Uint8Array[] {
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
  return Array.from({ length: 16 }, () => {
    let text = "";
    while (text.length < CHUNK) {
      text += WORDS[next() % WORDS.length] + ((next() & 7) === 0 ? "\n" : " ");
      if ((next() & 31) === 0) text += String(next() % 100000);
    }
    return encoder.encode(text.slice(0, CHUNK));
  });
}

function tarHeader(name: string, size: number): Uint8Array {
  const header = new Uint8Array(512);
  const put = (text: string, offset: number) => header.set(encoder.encode(text), offset);
  const octal = (value: number, offset: number, width: number) =>
    put(value.toString(8).padStart(width - 1, "0"), offset);
  put(name, 0);
  octal(0o644, 100, 8);
  octal(0, 108, 8);
  octal(0, 116, 8);
  octal(size, 124, 12);
  octal(1704067200, 136, 12);
  header.fill(0x20, 148, 156);
  header[156] = 0x30;
  put("ustar\u000000", 257);
  let sum = 0;
  for (const byte of header) sum += byte;
  put(sum.toString(8).padStart(6, "0") + "\u0000 ", 148);
  return header;
}

interface WrittenLayer {
  digest: string;
  size: number;
  diffId: string;
  uncompressed: number;
}

/** Writes one gzip layer (a tar of one file of `size` bytes) into `blobs`. */
async function writeLayer(
  blobs: string,
  index: number,
  size: number,
  randomShare: number,
  text: Uint8Array[],
): Promise<WrittenLayer> {
  const temp = join(blobs, `.tmp-layer-${index}`);
  const out = createWriteStream(temp);
  const gzip = createGzip({ level: 6 });
  const tarHash = createHash("sha256");
  const gzHash = createHash("sha256");
  let gzSize = 0;
  let tarSize = 0;
  gzip.on("data", (chunk: Uint8Array) => {
    gzHash.update(chunk);
    gzSize += chunk.length;
    if (!out.write(chunk)) {
      gzip.pause();
      out.once("drain", () => gzip.resume());
    }
  });
  const gzipEnded = new Promise<void>((resolve, reject) => {
    gzip.once("end", resolve);
    gzip.once("error", reject);
  });
  const write = async (chunk: Uint8Array) => {
    tarHash.update(chunk);
    tarSize += chunk.length;
    if (!gzip.write(chunk)) await new Promise((resolve) => gzip.once("drain", resolve));
  };
  await write(tarHeader(`layer-${index}/data.bin`, size));
  const random = new Uint8Array(CHUNK);
  for (let offset = 0, n = 0; offset < size; offset += CHUNK, n++) {
    const length = Math.min(CHUNK, size - offset);
    // A fixed pseudo-random pattern decides which chunks are random bytes.
    const isRandom = ((n * 7919 + index * 104729) % 1000) < randomShare * 1000;
    const chunk = isRandom ? randomFillSync(random) : text[n % text.length];
    await write(chunk.slice(0, length));
  }
  await write(new Uint8Array((512 - (size % 512)) % 512 + 1024));
  gzip.end();
  await gzipEnded;
  await new Promise<void>((resolve, reject) => {
    out.once("error", reject);
    out.end(() => resolve());
  });
  const hex = gzHash.digest("hex");
  await rename(temp, join(blobs, hex));
  return {
    digest: `sha256:${hex}`,
    size: gzSize,
    diffId: `sha256:${tarHash.digest("hex")}`,
    uncompressed: tarSize,
  };
}

async function putJson(blobs: string, value: unknown): Promise<{ digest: string; size: number }> {
  const bytes = encoder.encode(JSON.stringify(value));
  const hex = createHash("sha256").update(bytes).digest("hex");
  await writeFile(join(blobs, hex), bytes);
  return { digest: `sha256:${hex}`, size: bytes.length };
}

async function generate(name: BenchImageName, layout: string): Promise<BenchImage> {
  const spec = specOf(name);
  await rm(layout, { recursive: true, force: true });
  const blobs = join(layout, "blobs", "sha256");
  await mkdir(blobs, { recursive: true });
  const text = textChunks();
  const layers: WrittenLayer[] = [];
  for (const [i, size] of spec.sizes.entries()) {
    layers.push(await writeLayer(blobs, i, size, spec.randomShare, text));
  }
  const created = "2024-01-01T00:00:00Z";
  const config = await putJson(blobs, {
    created,
    architecture: "amd64",
    os: "linux",
    config: { Env: ["PATH=/usr/bin:/bin"], Cmd: ["/bin/sh"] },
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) },
    history: layers.map((_, i) => ({ created, created_by: `bench layer ${i}` })),
  });
  const manifest = await putJson(blobs, {
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
    layers: layers.map((l) => ({
      mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
      digest: l.digest,
      size: l.size,
    })),
  });
  await writeFile(join(layout, "oci-layout"), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(
    join(layout, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [{
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        ...manifest,
        annotations: { "org.opencontainers.image.ref.name": "v1" },
      }],
    }),
  );
  const image: BenchImage = {
    name,
    layout,
    tag: "v1",
    layers: layers.length,
    compressedBytes: layers.reduce((sum, l) => sum + l.size, 0),
    uncompressedBytes: layers.reduce((sum, l) => sum + l.uncompressed, 0),
  };
  await writeFile(join(layout, "bench-image.json"), JSON.stringify(image));
  return image;
}

/** The image `name`, generated into the cache folder unless it is there already. */
export async function benchImage(name: BenchImageName): Promise<BenchImage> {
  const layout = join(cacheDir(), name);
  const marker = join(layout, "bench-image.json");
  if (existsSync(marker)) {
    const { readFile } = await import("node:fs/promises");
    return JSON.parse(await readFile(marker, "utf8")) as BenchImage;
  }
  const t0 = performance.now();
  const image = await generate(name, layout);
  console.error(
    `generated ${name}: ${image.layers} layer(s), ${mib(image.compressedBytes)} MiB gzip ` +
      `(${mib(image.uncompressedBytes)} MiB tar) in ${
        ((performance.now() - t0) / 1000).toFixed(1)
      } s`,
  );
  return image;
}

/** `bytes` in MiB with one decimal. */
export function mib(bytes: number): string {
  return (bytes / MiB).toFixed(1);
}

/** `oci:<layout>:<tag>` of an image. */
export function ociRef(image: BenchImage): string {
  return `oci:${image.layout}:${image.tag}`;
}

/** Pushes an image to a plain-HTTP registry as `<registry>/bench/<name>:v1` with skopeo. */
export async function pushImage(image: BenchImage, registry: string): Promise<string> {
  const target = `${registry}/bench/${image.name}:${image.tag}`;
  await skopeoCopy(ociRef(image), `docker://${target}`, { flags: ["--dest-tls-verify=false"] });
  return target;
}
