/**
 * Lookup benchmark on a synthetic store of 10,000 images: store open, `Runtime.open`,
 * `lookupImage` (full names, short names, IDs and ID prefixes, digests, misses) and
 * `listImages` with `reference=` filters. Each image has two layers, one of 20 shared base
 * layers and a top layer of its own, and its own config and manifest blobs (small, real
 * files); `images.json` is written directly in the store's format (committing 10,000
 * records one by one would rewrite the file 10,000 times). `--shared-layer` gives every
 * image the same single layer instead (the worst case for the layer tree).
 *
 *   deno run -A bench/lookup.ts [--images 10000] [--iterations 200]
 *   (or: npx tsx bench/lookup.ts, bun bench/lookup.ts)
 *
 * @module
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { NodeFileSystem } from "../src/fs/mod.ts";
import { openRuntime } from "../src/runtime/mod.ts";
import { openStore } from "../src/store/mod.ts";
import { serializeRecords } from "../src/store/_records.ts";
import type { ImageRecord } from "../src/store/types.ts";
import { median, numberOption, report, round, runtimeName, timeMs } from "./_report.ts";

const count = numberOption("images", "BENCH_IMAGES", 10_000);
const iterations = numberOption("iterations", "BENCH_ITERATIONS", 200);
const sharedLayer = process.argv.includes("--shared-layer");
const encoder = new TextEncoder();

const blobSizes = new Map<string, number>();

function putBlob(blobs: string, bytes: Uint8Array): string {
  const hex = createHash("sha256").update(bytes).digest("hex");
  writeFileSync(join(blobs, hex), bytes);
  blobSizes.set(`sha256:${hex}`, bytes.length);
  return hex;
}

/** The names image `n` gets: three registries in turn; every tenth image has a second tag. */
function namesOf(n: number): string[] {
  const names = [
    `docker.io/library/app-${n}:latest`,
    `quay.io/team/svc-${n}:v1`,
    `registry.example.com/group/tool-${n}:1.0`,
  ];
  const first = names[n % 3];
  return n % 10 === 0 ? [first, first.replace(/:[^:/]+$/, ":previous")] : [first];
}

/** Writes the blobs and `images.json` of a store of `count` images; returns the records. */
function buildStore(root: string): ImageRecord[] {
  const blobs = join(root, "blobs", "sha256");
  mkdirSync(blobs, { recursive: true });
  const bases = Array.from(
    { length: 20 },
    (_, i) => `sha256:${putBlob(blobs, encoder.encode(`base layer ${i}`))}`,
  );
  const records: ImageRecord[] = [];
  for (let n = 0; n < count; n++) {
    const layers = sharedLayer
      ? [bases[0]]
      : [bases[n % 20], `sha256:${putBlob(blobs, encoder.encode(`top layer ${n}`))}`];
    const created = new Date(Date.UTC(2024, 0, 1) + n * 60_000).toISOString();
    const config = encoder.encode(JSON.stringify({
      created,
      architecture: "amd64",
      os: "linux",
      config: { Labels: { n: String(n) } },
      rootfs: { type: "layers", diff_ids: layers },
      history: [{ created, created_by: `step ${n}` }],
    }));
    const id = putBlob(blobs, config);
    const manifest = encoder.encode(JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {
        mediaType: "application/vnd.oci.image.config.v1+json",
        digest: `sha256:${id}`,
        size: config.length,
      },
      layers: layers.map((digest) => ({
        mediaType: "application/vnd.oci.image.layer.v1.tar",
        digest,
        size: blobSizes.get(digest)!,
      })),
    }));
    const manifestDigest = `sha256:${putBlob(blobs, manifest)}`;
    const names = namesOf(n);
    records.push({
      id,
      names,
      namesHistory: [...names],
      digests: [manifestDigest],
      manifestDigest,
      manifestMediaType: "application/vnd.oci.image.manifest.v1+json",
      manifestSize: manifest.length,
      isManifestList: false,
      diffIds: layers,
      layers,
      size: config.length + layers.reduce((sum, d) => sum + blobSizes.get(d)!, 0),
      created,
      added: created,
      platform: { os: "linux", architecture: "amd64" },
      readOnly: false,
    });
  }
  writeFileSync(join(root, "images.json"), serializeRecords(1, records));
  return records;
}

/** Median milliseconds of `fn` over `n` calls after `n / 10` warm-up calls. */
async function medianOf(n: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.max(2, n / 10); i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(await timeMs(fn));
  return median(times);
}

const dir = await mkdtemp(join(tmpdir(), "stevedore-bench-lookup-"));
try {
  const root = join(dir, "store");
  let t0 = performance.now();
  const records = buildStore(root);
  console.error(`built ${count} records in ${(performance.now() - t0).toFixed(0)} ms`);
  const confPath = join(dir, "registries.conf");
  writeFileSync(confPath, 'unqualified-search-registries = ["docker.io", "quay.io"]\n');

  t0 = performance.now();
  await openStore({ root, fs: new NodeFileSystem() });
  const firstOpen = performance.now() - t0;
  const rows: Record<string, string | number>[] = [];
  const row = (operation: string, ms: number, target: number) =>
    rows.push({
      runtime: runtimeName(),
      images: count,
      operation,
      median_ms: round(ms, 3),
      target_ms: target,
      met: ms <= target ? "yes" : "NO",
    });
  row("openStore, first (writes index.json)", firstOpen, 50);
  // A new FileSystem object each time: the store's per-process state is keyed by it.
  row("openStore", await medianOf(20, () => openStore({ root, fs: new NodeFileSystem() })), 50);
  const runtimeOpen = () =>
    openRuntime({
      root,
      fs: new NodeFileSystem(),
      env: {},
      homeDir: dir,
      registriesConf: confPath,
      warn: () => {},
    });
  row("Runtime.open", await medianOf(20, runtimeOpen), 50);

  const runtime = await runtimeOpen();
  const at = Math.floor(count / 2);
  const pick = (k: number) => records[at - (at % 3) + k];
  const docker = pick(0);
  const quay = pick(1);
  const cases: [string, string, boolean][] = [
    ["full name", docker.names[0], true],
    ["short name (search registries)", docker.names[0].slice("docker.io/library/".length), true],
    ["short name (repo-tags scan)", "svc-" + (at - (at % 3) + 1) + ":v1", true],
    ["name@digest", `${quay.names[0].replace(/:v1$/, "")}@${quay.manifestDigest}`, true],
    ["full ID", quay.id, true],
    ["ID prefix (12)", quay.id.slice(0, 12), true],
    ["miss: full name", "docker.io/library/nothing-here:latest", false],
    ["miss: short name", "nothing-here", false],
    ["miss: ID prefix", "ffffffffffff", false],
  ];
  for (const [label, name, hit] of cases) {
    const probe = await runtime.lookupImage(name).then((r) => r.image.id, () => undefined);
    if ((probe !== undefined) !== hit) throw new Error(`lookup ${name}: unexpected ${probe}`);
    const ms = await medianOf(iterations, () => runtime.lookupImage(name).catch(() => undefined));
    row(`lookupImage ${label}`, ms, 1);
  }

  const listCases: [string, string[]][] = [
    ["listImages reference=<short name>", [`reference=app-${at - (at % 3)}`]],
    ["listImages reference=<glob>", ["reference=docker.io/library/app-12*"]],
  ];
  for (const [label, filters] of listCases) {
    const found = await runtime.listImages({ filters });
    const ms = await medianOf(20, () => runtime.listImages({ filters }));
    row(`${label} -> ${found.length}`, ms, 50);
  }
  const all = await runtime.listImages({ listData: false });
  row(
    `listImages all, listData=false -> ${all.length}`,
    await medianOf(5, () => runtime.listImages({ listData: false })),
    Infinity,
  );
  row("listImages all, listData=true", await medianOf(3, () => runtime.listImages()), Infinity);
  report(rows.map((r) => r.target_ms === Infinity ? { ...r, target_ms: "-", met: "-" } : r));
} finally {
  if (process.env.BENCH_KEEP) console.error("kept", dir);
  else await rm(dir, { recursive: true, force: true });
}
