/**
 * Child of `bench/edge.ts`, run as `deno run --allow-net=127.0.0.1 [--allow-env=…]
 * bench/_edge_deno_child.ts REF RUNS`: pulls REF (plain HTTP) RUNS + 1 times into fresh
 * in-memory runtimes (the first is a warm-up) and prints one JSON line with the times,
 * the kernels in use and `Deno.memoryUsage()` before the first pull and with the last
 * runtime still held; then waits for standard input to close so the parent can read the
 * process's peak RSS.
 *
 * @module
 */
import { kernelReport, openMemoryRuntime, type Runtime } from "../src/edge/mod.ts";

const [reference, runsText] = Deno.args;
const runs = Number(runsText);
const before = Deno.memoryUsage();
const times: number[] = [];
let kept: Runtime | undefined;
for (let i = 0; i <= runs; i++) {
  kept = undefined;
  const runtime = await openMemoryRuntime();
  const t0 = performance.now();
  await runtime.pull(`docker://${reference}`, { tlsVerify: false });
  const ms = performance.now() - t0;
  if (i > 0) times.push(ms);
  kept = runtime;
}
// With --v8-flags=--expose-gc: drop the garbage of earlier pulls, so that `external` is
// what the held runtime's buffers take (V8 frees buffers after a collection, in the
// background: collect, let it, collect again).
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
await new Promise((resolve) => setTimeout(resolve, 500));
gc?.();
const held = Deno.memoryUsage();
console.log(JSON.stringify({ times, kernels: kernelReport(), before, held, kept: !!kept }));
for await (const _ of Deno.stdin.readable) { /* wait for the parent */ }
