// Benchmark: `stevedore images` on a 1,000-image store, process time with start-up.
// Builds the store through the store API (all images share one layer; each has its own
// config and manifest), then spawns `deno run -A cli.ts --root R images` repeatedly and
// reports the median wall time. Usage: deno run -A bench/cli_images.ts [--images N] [--runs N]
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { NodeFileSystem } from "../src/fs/mod.ts";
import { openStore } from "../src/store/mod.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const count = arg("images", 1000);
const runs = arg("runs", 15);

const sha256 = (bytes: Uint8Array) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

const dir = await mkdtemp(join(tmpdir(), "stevedore-bench-cli-"));
try {
  const store = await openStore({ root: join(dir, "root"), fs: new NodeFileSystem() });
  const put = async (bytes: Uint8Array) => {
    const digest = sha256(bytes);
    await store.putBlob(digest, bytes.length, new Blob([bytes as BlobPart]).stream());
    return digest;
  };
  const layer = new Uint8Array(1024).fill(7);
  const layerDigest = await put(layer);
  const started = performance.now();
  for (let n = 0; n < count; n++) {
    const created = new Date(Date.UTC(2024, 0, 1) + n * 60_000).toISOString();
    const config = encode({
      created,
      architecture: "amd64",
      os: "linux",
      config: { Labels: { n: String(n) } },
      rootfs: { type: "layers", diff_ids: [layerDigest] },
      history: [{ created, created_by: `step ${n}` }],
    });
    const configDigest = await put(config);
    const manifest = encode({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {
        mediaType: "application/vnd.oci.image.config.v1+json",
        digest: configDigest,
        size: config.length,
      },
      layers: [{
        mediaType: "application/vnd.oci.image.layer.v1.tar",
        digest: layerDigest,
        size: layer.length,
      }],
    });
    const manifestDigest = await put(manifest);
    await store.commitImage({
      id: configDigest.slice(7),
      manifestDigest,
      manifestMediaType: "application/vnd.oci.image.manifest.v1+json",
      names: [`registry.example/bench/image-${n}:latest`],
      layers: [layerDigest],
      diffIds: [layerDigest],
      size: config.length + layer.length,
      created,
      platform: { os: "linux", architecture: "amd64" },
    });
  }
  console.log(`store: ${count} images in ${(performance.now() - started).toFixed(0)} ms`);
  const deno = join(root, "node_modules", ".bin", "deno");
  const measure = (args: string[]) => {
    const times: number[] = [];
    let lines = 0;
    for (let run = 0; run < runs + 1; run++) {
      const t0 = performance.now();
      const result = spawnSync(
        deno,
        ["run", "-A", "cli.ts", "--root", join(dir, "root"), ...args],
        {
          cwd: root,
          encoding: "utf8",
        },
      );
      const ms = performance.now() - t0;
      if (result.status !== 0) throw new Error(`${args[0]} failed: ${result.stderr}`);
      lines = result.stdout.trimEnd().split("\n").length;
      if (run > 0) times.push(ms); // the first run warms Deno's module cache
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    console.log(
      `deno run -A cli.ts ${args.join(" ")} (${count} images, ${lines} lines): median ${
        median.toFixed(1)
      } ms, min ${times[0].toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms over ${runs} runs`,
    );
  };
  measure(["version"]);
  measure(["images"]);
} finally {
  await rm(dir, { recursive: true, force: true });
}
