// Run by deno_net_only_test.ts as `deno run --allow-net=127.0.0.1 _deno_pull_child.ts
// REF PATH`: pulls REF (plain HTTP) into an in-memory runtime and writes the file PATH of
// the image to standard output. Any permission it lacks makes it fail (no prompt).
import { openMemoryRuntime, readImageFile } from "../../src/edge/mod.ts";
import { runtimeParts } from "../../src/runtime/mod.ts";

const [reference, path] = Deno.args;
const runtime = await openMemoryRuntime();
const [image] = await runtime.pull(`docker://${reference}`, { tlsVerify: false });
const bytes = await readImageFile(runtimeParts(runtime).store, image, path);
if (bytes === undefined) throw new Error(`No file "${path}" in ${reference}`);
for (let at = 0; at < bytes.length;) at += await Deno.stdout.write(bytes.subarray(at));
