/**
 * gzip throughput on the runtime it runs on. Decompression: stevedore's WebAssembly
 * inflate kernel (through `gunzipStream`; its gzip CRC-32 from `node:zlib`, as `auto` does,
 * and with its own WebAssembly CRC-32), `node:zlib` (through stevedore's native
 * `gunzipStream`), `DecompressionStream` and fflate's streaming `Gunzip`. Compression at
 * level 6: `node:zlib` (through `gzipStream`), `CompressionStream` and fflate's streaming
 * `Gzip`. CRC-32: the WebAssembly kernel against `node:zlib`'s `crc32`. Figures are MB/s
 * (10^6 bytes) of uncompressed data.
 *
 * The input is text-like (pseudo-random words, about 3.4x compressible at level 6), fed
 * in 1 MiB chunks. Rounds are interleaved (every implementation once per round) so that a
 * noisy machine slows them alike; the figure is the median of the rounds after a warm-up
 * round on an 8 MiB input.
 *
 * Run alone: `deno run -A bench/kernels_gzip.ts`, `npx tsx bench/kernels_gzip.ts`,
 * `bun bench/kernels_gzip.ts` (environment: `BENCH_SIZE_MIB`, `BENCH_RUNS`).
 *
 * @module
 */
import * as zlib from "node:zlib";
import process from "node:process";
import { Gunzip, Gzip } from "fflate";
import { gunzipStream, gzipStream } from "../src/compression/mod.ts";
import { WasmCrc32 } from "../src/wasm/crc32.ts";
import { isMainModule, median, runtimeName } from "./_report.ts";

/** One measured figure: megabytes (10^6 bytes) of uncompressed data per second. */
export interface GzipBenchResult {
  runtime: string;
  kernel: "gunzip" | "gzip" | "crc32";
  impl: string;
  mbps: number;
}

/** Options of {@linkcode runGzipBench}. */
export interface GzipBenchOptions {
  /** Size of the uncompressed input in MiB. */
  sizeMiB: number;
  /** Measured rounds after the warm-up; the median is reported. */
  runs: number;
}

const CHUNK = 1 << 20;

/** Text-like bytes: words of a 2000-word vocabulary built from syllables, Zipf-like. */
function textInput(size: number): Uint8Array {
  let seed = 7;
  const random = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const syllables = ["ka", "to", "ri", "men", "sa", "lo", "ve", "pin", "dor", "ax", "el", "qu"]
    .concat(["bra", "ti", "on", "us", "et", "ar", "im", "go"]);
  const words = Array.from({ length: 2000 }, () => {
    let word = "";
    for (let n = 1 + Math.floor(random() * 4); n > 0; n--) {
      word += syllables[Math.floor(random() * syllables.length)];
    }
    return new TextEncoder().encode(word + " ");
  });
  const data = new Uint8Array(size);
  let offset = 0;
  while (offset < size) {
    const word = words[Math.floor(random() ** 3 * words.length)];
    const n = Math.min(word.length, size - offset);
    data.set(word.subarray(0, n), offset);
    offset += n;
    if (random() < 0.08) data[offset - 1] = 10;
  }
  return data;
}

function chunks(data: Uint8Array): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= data.length) return controller.close();
      controller.enqueue(data.subarray(offset, offset + CHUNK));
      offset += CHUNK;
    },
  });
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<number> {
  let total = 0;
  const reader = stream.getReader();
  while (true) {
    const { done, value } = await reader.read();
    if (done) return total;
    total += value.length;
  }
}

type Pair = { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> };
type Impl = { name: string; run(input: Uint8Array): Promise<number> | number };

const viaStream = (make: () => Pair) => (input: Uint8Array) =>
  drain(chunks(input).pipeThrough(make()));

/** Runs `run` with `STEVEDORE_KERNELS=wasm` (the WASM kernel's own CRC-32 too). */
async function wasmOnly<T>(run: () => Promise<T>): Promise<T> {
  const saved = process.env.STEVEDORE_KERNELS;
  process.env.STEVEDORE_KERNELS = "wasm";
  try {
    return await run();
  } finally {
    if (saved === undefined) delete process.env.STEVEDORE_KERNELS;
    else process.env.STEVEDORE_KERNELS = saved;
  }
}

const gunzipImpls: Impl[] = [
  { name: "stevedore-wasm", run: viaStream(() => gunzipStream({ backend: "wasm" })) },
  {
    name: "stevedore-wasm-own-crc",
    run: (input) => wasmOnly(() => viaStream(() => gunzipStream({ backend: "wasm" }))(input)),
  },
  { name: "node:zlib", run: viaStream(() => gunzipStream({ backend: "native" })) },
  {
    name: "DecompressionStream",
    run: viaStream(() => new DecompressionStream("gzip") as unknown as Pair),
  },
  {
    name: "fflate",
    run(input) {
      let total = 0;
      const engine = new Gunzip((chunk) => (total += chunk.length));
      for (let i = 0; i < input.length; i += CHUNK) {
        engine.push(input.subarray(i, i + CHUNK), i + CHUNK >= input.length);
      }
      return total;
    },
  },
];

const gzipImpls: Impl[] = [
  { name: "node:zlib", run: viaStream(() => gzipStream({ backend: "native", level: 6 })) },
  {
    name: "CompressionStream",
    run: viaStream(() => new CompressionStream("gzip") as unknown as Pair),
  },
  {
    name: "fflate",
    run(input) {
      let total = 0;
      const engine = new Gzip({ level: 6 }, (chunk) => (total += chunk.length));
      for (let i = 0; i < input.length; i += CHUNK) {
        engine.push(input.subarray(i, i + CHUNK), i + CHUNK >= input.length);
      }
      return total;
    },
  },
];

const crcImpls: Impl[] = [
  {
    name: "stevedore-wasm",
    run(input) {
      const crc = new WasmCrc32();
      for (let i = 0; i < input.length; i += CHUNK) crc.update(input.subarray(i, i + CHUNK));
      return crc.value;
    },
  },
  {
    name: "node:zlib",
    run(input) {
      let crc = 0;
      for (let i = 0; i < input.length; i += CHUNK) {
        crc = zlib.crc32(input.subarray(i, i + CHUNK), crc);
      }
      return crc;
    },
  },
];

/** Times each implementation on `input` over `runs` interleaved rounds after a warm-up. */
async function measure(
  impls: Impl[],
  input: Uint8Array,
  warmUp: Uint8Array,
  runs: number,
  check: (impl: string, result: number) => void,
): Promise<Map<string, number>> {
  const times = new Map<string, number[]>(impls.map((impl) => [impl.name, []]));
  for (const impl of impls) await impl.run(warmUp);
  for (let round = 0; round < runs; round++) {
    for (const impl of impls) {
      const start = performance.now();
      const result = await impl.run(input);
      times.get(impl.name)!.push(performance.now() - start);
      check(impl.name, result);
    }
  }
  return new Map(impls.map((impl) => [impl.name, median(times.get(impl.name)!)]));
}

/** Measures gunzip and gzip (level 6) MB/s of each implementation on a `sizeMiB` input. */
export async function runGzipBench(options: GzipBenchOptions): Promise<GzipBenchResult[]> {
  const size = Math.round(options.sizeMiB * 1024 * 1024);
  const runs = Math.max(1, Math.floor(options.runs));
  const data = textInput(size);
  const packed = new Uint8Array(zlib.gzipSync(data, { level: 6 }));
  const warmData = data.subarray(0, Math.min(size, 8 << 20));
  const warmPacked = new Uint8Array(zlib.gzipSync(warmData, { level: 6 }));
  const runtime = runtimeName();
  const mbps = (ms: number) => Math.round((size / 1e6 / (ms / 1000)) * 10) / 10;
  const results: GzipBenchResult[] = [];

  const inflated = await measure(gunzipImpls, packed, warmPacked, runs, (impl, n) => {
    if (n !== size) throw new Error(`${impl} gunzipped ${n} bytes, expected ${size}`);
  });
  for (const [impl, ms] of inflated) {
    results.push({ runtime, kernel: "gunzip", impl, mbps: mbps(ms) });
  }

  const deflated = await measure(gzipImpls, data, warmData, runs, (impl, n) => {
    if (n < 18 || n > size * 0.6) throw new Error(`${impl} gzipped to ${n} bytes`);
  });
  for (const [impl, ms] of deflated) {
    results.push({ runtime, kernel: "gzip", impl, mbps: mbps(ms) });
  }

  const expected = zlib.crc32(data);
  const checked = await measure(crcImpls, data, warmData, runs, (impl, crc) => {
    if (crc !== expected) throw new Error(`${impl} computed CRC-32 ${crc}, expected ${expected}`);
  });
  for (const [impl, ms] of checked) {
    results.push({ runtime, kernel: "crc32", impl, mbps: mbps(ms) });
  }
  return results;
}

if (isMainModule(import.meta)) {
  const sizeMiB = Number(process.env.BENCH_SIZE_MIB) || 256;
  const runs = Number(process.env.BENCH_RUNS) || 5;
  for (const result of await runGzipBench({ sizeMiB, runs })) console.log(JSON.stringify(result));
}
