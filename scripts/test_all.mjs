#!/usr/bin/env node
// The project's one test command (`npm test`): static checks, the WASM staleness check and
// the test suite on Deno, Node and Bun. Ends with one line `N passed, N failed` totalling
// every check and every test case of every runtime.
//
// Usage: node scripts/test_all.mjs [--only=deno,node,bun] [--no-checks] [FILTER...]
//   FILTER limits the test files to paths containing one of the given strings.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);
const args = process.argv.slice(2);
const only = (args.find((a) => a.startsWith("--only=")) ?? "--only=deno,node,bun")
  .slice("--only=".length).split(",");
const runChecks = !args.includes("--no-checks");
const filters = args.filter((a) => !a.startsWith("--"));
const work = mkdtempSync(join(tmpdir(), "stevedore-test-"));

let passed = 0;
let failed = 0;
const failures = [];

function run(label, command, commandArgs, options = {}) {
  console.log(`\n=== ${label}: ${[relative(root, command) || command, ...commandArgs].join(" ")}`);
  const result = spawnSync(command, commandArgs, {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", ...options.env },
    timeout: options.timeout ?? 40 * 60 * 1000,
  });
  return result.status ?? 1;
}

function check(label, command, commandArgs) {
  const status = run(label, command, commandArgs);
  if (status === 0) passed++;
  else {
    failed++;
    failures.push(`check ${label} (exit ${status})`);
  }
}

function testFiles() {
  const found = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith("_test.ts")) found.push(relative(root, path));
    }
  };
  walk(join(root, "tests"));
  return filters.length === 0 ? found : found.filter((f) => filters.some((x) => f.includes(x)));
}

// Counts leaf test cases in a JUnit file: a case is a leaf unless another case's name
// starts with its name followed by " > " (Deno reports describe blocks as cases too).
function countJunit(path) {
  let xml = "";
  try {
    xml = readFileSync(path, "utf8");
  } catch {
    return { cases: 0, bad: [] };
  }
  const cases = [];
  const pattern = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const match of xml.matchAll(pattern)) {
    const name = /\bname="([^"]*)"/.exec(match[1])?.[1] ?? "?";
    const body = match[3] ?? "";
    const skipped = /<skipped\b/.test(body);
    cases.push({ name, failed: /<(failure|error)\b/.test(body), skipped });
  }
  const leaves = cases.filter((c) => !cases.some((o) => o.name.startsWith(c.name + " &gt; ")));
  return {
    cases: leaves.filter((c) => !c.skipped).length,
    bad: leaves.filter((c) => c.failed).map((c) => c.name),
  };
}

function suite(runtime, command, commandArgs, junitPath) {
  const status = run(`tests on ${runtime}`, command, commandArgs, {
    env: { STEVEDORE_TEST_RUNTIME: runtime },
  });
  const { cases, bad } = countJunit(junitPath);
  const ok = cases - bad.length;
  passed += ok;
  failed += bad.length;
  for (const name of bad) failures.push(`${runtime}: ${name}`);
  if (status !== 0 && bad.length === 0) {
    failed++;
    failures.push(`${runtime}: runner exited with ${status} without a failing case`);
  }
  console.log(`--- ${runtime}: ${ok} passed, ${bad.length} failed`);
}

try {
  if (runChecks) {
    check("wasm staleness", process.execPath, [join(root, "wasm", "build.mjs"), "--check"]);
    // `npm install` rebuilt the kernels in place: they must equal what is committed.
    check("wasm output committed", "git", ["diff", "--exit-code", "--stat", "--", "src/wasm/"]);
    check("deno fmt", bin("deno"), ["fmt", "--check"]);
    check("deno lint", bin("deno"), ["lint"]);
    check("deno check", bin("deno"), [
      "check",
      "mod.ts",
      "cli.ts",
      "server.ts",
      "tests/",
      "bench/",
    ]);
    check("jsr publish (dry run)", bin("deno"), ["publish", "--dry-run", "--allow-dirty"]);
    check("npm pack (dry run, builds dist/)", "npm", ["pack", "--dry-run", "--silent"]);
  }
  const files = testFiles();
  if (files.length === 0) throw new Error("no test files matched");
  if (only.includes("deno")) {
    const junit = join(work, "deno.xml");
    suite(
      "deno",
      bin("deno"),
      ["test", "-A", "--no-check", `--junit-path=${junit}`, ...files],
      junit,
    );
  }
  if (only.includes("node")) {
    const junit = join(work, "node.xml");
    suite("node", bin("tsx"), [
      "--test",
      "--test-concurrency=1",
      "--test-reporter=spec",
      "--test-reporter-destination=stdout",
      "--test-reporter=junit",
      `--test-reporter-destination=${junit}`,
      ...files,
    ], junit);
  }
  if (only.includes("bun")) {
    const junit = join(work, "bun.xml");
    suite("bun", bin("bun"), [
      "test",
      "--timeout=120000",
      "--reporter=junit",
      `--reporter-outfile=${junit}`,
      ...files.map((f) => "./" + f),
    ], junit);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.log("\nFailures:");
  for (const failure of failures) console.log(`  - ${failure}`);
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
