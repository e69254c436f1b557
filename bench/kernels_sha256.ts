/**
 * SHA-256 throughput on the runtime it runs on: stevedore's WebAssembly kernel against
 * `node:crypto`, hash-wasm (streaming) and WebCrypto (one-shot). Each streaming
 * implementation hashes the input in 1 MiB chunks; WebCrypto digests the whole buffer.
 * Rounds are interleaved (every implementation once per round) so that a noisy machine
 * slows them alike; the figure is the median of the rounds after one warm-up round.
 *
 * Run alone: `deno run -A bench/kernels_sha256.ts`, `npx tsx bench/kernels_sha256.ts`,
 * `bun bench/kernels_sha256.ts` (environment: `BENCH_SIZE_MIB`, `BENCH_RUNS`).
 *
 * @module
 */
import { createHash } from "node:crypto";
import process from "node:process";
import { createSHA256 } from "hash-wasm";
import { WasmSha256 } from "../src/wasm/sha256.ts";
import { isMainModule, median, runtimeName } from "./_report.ts";

/** One measured figure: megabytes (10^6 bytes) per second. */
export interface Sha256BenchResult {
  runtime: string;
  kernel: "sha256";
  impl: string;
  mbps: number;
}

/** Options of {@linkcode runSha256Bench}. */
export interface Sha256BenchOptions {
  /** Size of the hashed input in MiB. */
  sizeMiB: number;
  /** Measured rounds after the warm-up; the median is reported. */
  runs: number;
}

const CHUNK = 1 << 20;

function testInput(size: number): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(size);
  for (let offset = 0; offset < size; offset += 65_536) {
    crypto.getRandomValues(data.subarray(offset, Math.min(size, offset + 65_536)));
  }
  return data;
}

type Impl = { name: string; hash(data: Uint8Array<ArrayBuffer>): Promise<string> | string };

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function implementations(): Promise<Impl[]> {
  const hashWasm = await createSHA256();
  return [
    {
      name: "stevedore-wasm",
      hash(data) {
        const hasher = new WasmSha256();
        for (let i = 0; i < data.length; i += CHUNK) hasher.update(data.subarray(i, i + CHUNK));
        return toHex(hasher.digest());
      },
    },
    {
      name: "node:crypto",
      hash(data) {
        const hash = createHash("sha256");
        for (let i = 0; i < data.length; i += CHUNK) hash.update(data.subarray(i, i + CHUNK));
        return hash.digest("hex");
      },
    },
    {
      name: "hash-wasm",
      hash(data) {
        hashWasm.init();
        for (let i = 0; i < data.length; i += CHUNK) hashWasm.update(data.subarray(i, i + CHUNK));
        return hashWasm.digest("hex");
      },
    },
    {
      name: "webcrypto-oneshot",
      async hash(data) {
        return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", data)));
      },
    },
  ];
}

/** Measures SHA-256 MB/s of each implementation on a `sizeMiB` input. */
export async function runSha256Bench(options: Sha256BenchOptions): Promise<Sha256BenchResult[]> {
  const size = Math.round(options.sizeMiB * 1024 * 1024);
  const runs = Math.max(1, Math.floor(options.runs));
  const data = testInput(size);
  const impls = await implementations();
  const times = new Map<string, number[]>(impls.map((impl) => [impl.name, []]));
  let expected: string | undefined;
  for (let round = 0; round <= runs; round++) {
    for (const impl of impls) {
      const start = performance.now();
      const hex = await impl.hash(data);
      const ms = performance.now() - start;
      expected ??= hex;
      if (hex !== expected) throw new Error(`${impl.name} disagrees: ${hex} != ${expected}`);
      if (round > 0) times.get(impl.name)!.push(ms);
    }
  }
  const runtime = runtimeName();
  return impls.map((impl) => ({
    runtime,
    kernel: "sha256" as const,
    impl: impl.name,
    mbps: Math.round((size / 1e6 / (median(times.get(impl.name)!) / 1000)) * 10) / 10,
  }));
}

if (isMainModule(import.meta)) {
  const sizeMiB = Number(process.env.BENCH_SIZE_MIB) || 256;
  const runs = Number(process.env.BENCH_RUNS) || 5;
  for (const result of await runSha256Bench({ sizeMiB, runs })) {
    console.log(JSON.stringify(result));
  }
}
