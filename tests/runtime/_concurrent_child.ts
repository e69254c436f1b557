// A child process of the concurrent-processes test: works on a store shared with another
// process, then writes what it expects to be in the store to a JSON report.
// Usage: node --import tsx _concurrent_child.ts ROOT CONF REGISTRY CHILD ITERATIONS REPORT
import { writeFile } from "node:fs/promises";
import process from "node:process";
import { Runtime, runtimeParts } from "../../src/runtime/mod.ts";

const [root, conf, registry, child, iterations, reportPath] = process.argv.slice(2);
const k = Number(child);
const HOST = { os: "linux", architecture: "amd64" };

/** What the child leaves behind, for the parent to verify. */
export interface ChildReport {
  /** Names that must exist, with the image ID each must point at. */
  expected: Record<string, string>;
  /** Names this child removed (and did not add again). */
  removed: string[];
  /** The ID of this child's own image. */
  ownId: string;
  /** Whether this child's last action on its own image was removing it. */
  ownRemoved: boolean;
  /** How many iterations ran. */
  iterations: number;
}

const runtime = await Runtime.open({
  root,
  registriesConf: conf,
  registriesConfDir: "",
  env: {},
  homeDir: root,
  uid: 1000,
  hostPlatform: HOST,
  warn: () => {},
});

const own = `${registry}/conc/own-${k}:latest`;
const shared = `${registry}/conc/shared:latest`;
const mine = (kind: string, i: number) => `localhost/c${k}/${kind}:${i}`;
const expected = new Map<string, string>();
const removed = new Set<string>();

/** Pulls `name`; blob leases keep the other process's gc from breaking it. */
async function pull(name: string, policy: "missing" | "always"): Promise<string> {
  const [record] = await runtime.pull(name, { policy, retries: 2, retryDelayMs: 5 });
  return record.id;
}

function expect(name: string, id: string): void {
  expected.set(name, id);
  removed.delete(name);
}

function forget(name: string): void {
  expected.delete(name);
  removed.add(name);
}

let ownId = "";
let ownRemoved = false;
let sharedId = "";
const count = Number(iterations);
for (let i = 0; i < count; i++) {
  ownId = await pull(own, "missing");
  sharedId = await pull(shared, i % 2 === 1 ? "always" : "missing");
  ownRemoved = false;
  await runtime.tag(own, mine("own", i));
  expect(mine("own", i), ownId);
  await runtime.tag(shared, mine("shared", i));
  expect(mine("shared", i), sharedId);
  if (i % 3 === 1 && expected.has(mine("own", i - 1))) {
    await runtime.untag(own, mine("own", i - 1));
    forget(mine("own", i - 1));
  }
  if (i % 3 === 2) {
    // The shared image keeps other names: removing one of ours only untags it.
    await runtime.removeImages([mine("shared", i - 1)]);
    forget(mine("shared", i - 1));
  }
  if ((i + k) % 5 === 4) {
    await runtime.removeImages([ownId], { force: true });
    for (const [name, id] of [...expected]) if (id === ownId) forget(name);
    ownRemoved = true;
  }
  if (i % 4 === 3) await runtimeParts(runtime).store.gc();
  // Nobody else touches our names: the listing must show exactly what we expect of them.
  const listed = new Map<string, string>();
  for (const summary of await runtime.listImages()) {
    for (const name of summary.names) listed.set(name, summary.id);
  }
  for (const [name, id] of expected) {
    if (listed.get(name) !== id) {
      throw new Error(`iteration ${i}: ${name} lists as ${listed.get(name)}, expected ${id}`);
    }
  }
  for (const name of removed) {
    if (listed.has(name)) throw new Error(`iteration ${i}: removed ${name} is listed`);
  }
}

const report: ChildReport = {
  expected: Object.fromEntries(expected),
  removed: [...removed],
  ownId,
  ownRemoved,
  iterations: count,
};
await writeFile(reportPath, JSON.stringify(report));
