#!/usr/bin/env node
// The project's one test command (`npm test`): static checks, the WASM staleness check and
// the test suite on Deno, Node and Bun. Ends with one line `N passed, N failed` totalling
// every check and every test case of every runtime.
//
// Usage: node scripts/test_all.mjs [--only=deno,node,bun] [--no-checks] [FILTER...]
//   FILTER limits the test files to paths containing one of the given strings.
import { spawn } from "node:child_process";
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

/** An ANSI colour sequence (ESC [ ... m). */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

let passed = 0;
let failed = 0;
const failures = [];

/**
 * Runs a command with its output shown as it comes (kept to itself with `echo: false`);
 * resolves to its exit status and the last 256 KB of what it printed (both streams), where
 * the runners print their summaries.
 */
function run(label, command, commandArgs, options = {}) {
  const echo = options.echo ?? true;
  if (echo) {
    console.log(
      `\n=== ${label}: ${[relative(root, command) || command, ...commandArgs].join(" ")}`,
    );
  }
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", ...options.env },
    });
    let output = "";
    const keep = (chunk, sink) => {
      if (echo) sink.write(chunk);
      // Colours stripped: some runners colour their summary whatever NO_COLOR says.
      const text = chunk.toString("utf8").replace(ANSI_COLOUR, "");
      output = (output + text).slice(-256 * 1024);
    };
    child.stdout.on("data", (chunk) => keep(chunk, process.stdout));
    child.stderr.on("data", (chunk) => keep(chunk, process.stderr));
    // A hang guard only: a whole runtime's suite gets 40 minutes.
    const guard = setTimeout(() => child.kill("SIGKILL"), options.timeout ?? 40 * 60 * 1000);
    child.on("error", (error) => {
      clearTimeout(guard);
      resolve({ status: 1, output: String(error) });
    });
    child.on("close", (code) => {
      clearTimeout(guard);
      resolve({ status: code ?? 1, output });
    });
  });
}

function count(label, status) {
  if (status === 0) passed++;
  else {
    failed++;
    failures.push(`check ${label} (exit ${status})`);
  }
}

async function check(label, command, commandArgs) {
  const { status } = await run(label, command, commandArgs);
  count(label, status);
}

/**
 * What Deno warns about `@types/node` on every `deno doc` here ("Failed resolving types",
 * then an "at" line): left out of the output shown, where it would bury the lint errors.
 */
const TYPES_NODE_WARNING = /^Warning Failed resolving types\. .*\n\s+at .*@types\/node\/.*\n/gm;

/**
 * `deno doc --lint` of each entry point on its own, two at a time: each entry documents
 * every type its API reaches, not counting on another entry to. One check an entry, named
 * after it; its output is shown when it fails.
 */
async function lintEntriesAlone(entries) {
  const queue = [...entries];
  const lintNext = async () => {
    for (let entry = queue.shift(); entry !== undefined; entry = queue.shift()) {
      const label = `deno doc --lint ${entry}`;
      const { status, output } = await run(label, bin("deno"), ["doc", "--lint", entry], {
        echo: false,
      });
      console.log(`\n=== ${label}: ${status === 0 ? "ok" : `FAILED (exit ${status})`}`);
      if (status !== 0) console.log(output.replace(TYPES_NODE_WARNING, "").trimEnd());
      count(label, status);
    }
  };
  await Promise.all([lintNext(), lintNext()]);
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

function unescapeXml(text) {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}

/**
 * The test cases of a JUnit file. Attribute values may hold a raw `>` (Node writes
 * them so), hence the quote-aware pattern. A case is a leaf unless another case's name
 * starts with its name followed by " > " (Deno reports describe blocks as cases too).
 */
function junitCases(path) {
  let xml = "";
  try {
    xml = readFileSync(path, "utf8");
  } catch {
    return { xml, leaves: [] };
  }
  const cases = [];
  const pattern = /<testcase\b((?:[^>"]|"[^"]*")*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const match of xml.matchAll(pattern)) {
    const name = unescapeXml(/\bname="([^"]*)"/.exec(match[1])?.[1] ?? "?");
    const body = match[3] ?? "";
    cases.push({ name, failed: /<(failure|error)\b/.test(body), skipped: /<skipped\b/.test(body) });
  }
  const leaves = cases.filter((c) => !cases.some((o) => o.name.startsWith(c.name + " > ")));
  return { xml, leaves };
}

/** The last match of `pattern` in `text` as a number (`undefined` when absent). */
function lastNumber(text, pattern) {
  const all = [...text.matchAll(new RegExp(pattern, "gm"))];
  return all.length === 0 ? undefined : Number(all[all.length - 1][1]);
}

/**
 * What a runner says it ran, from its own summary, beside what the JUnit file holds:
 * `{ passed, failed, summary, junit }`. Totals come from the runner's summary where it
 * counts the same unit as the JUnit leaves (Node, Bun); Deno counts describe blocks and
 * steps apart, so its JUnit leaves are counted and checked against its summary.
 */
const COUNTERS = {
  deno(output, junit) {
    // "ok | 2 passed (13 steps) | 0 failed" or "FAILED | 1 passed (9 steps) | 1 failed (2 steps)",
    // and "| 0 ignored (9 steps)" where steps were skipped (the JUnit file counts them)
    const line = [...output.matchAll(/^(?:ok|FAILED) \| .*$/gm)].pop()?.[0] ?? "";
    const num = (re) => Number(re.exec(line)?.[1] ?? 0);
    const tests = num(/(\d+) passed/) + num(/(\d+) failed/) + num(/(\d+) ignored/);
    const steps = num(/passed \((\d+) steps?\)/) + num(/failed \((\d+) steps?\)/) +
      num(/ignored \((\d+) steps?\)/);
    const leaves = junit.leaves.filter((c) => !c.skipped);
    const bad = leaves.filter((c) => c.failed).length;
    const rootCount = Number(/<testsuites\b[^>]*\btests="(\d+)"/.exec(junit.xml)?.[1] ?? -1);
    return {
      passed: leaves.length - bad,
      failed: bad,
      summary: line,
      agrees: line !== "" && rootCount === tests + steps,
    };
  },
  node(output, junit) {
    const get = (key) => lastNumber(output, `^\\S* ?${key} (\\d+)$`);
    const tests = get("tests");
    const pass = get("pass");
    const fail = (get("fail") ?? 0) + (get("cancelled") ?? 0);
    const fromJunit = (key) => lastNumber(junit.xml, `<!-- ${key} (\\d+) -->`);
    return {
      passed: pass ?? 0,
      failed: fail,
      summary: `tests ${tests}, pass ${pass}, fail ${get("fail")}, cancelled ${get("cancelled")}`,
      agrees: tests !== undefined && fromJunit("tests") === tests && fromJunit("pass") === pass,
    };
  },
  bun(output, junit) {
    const pass = lastNumber(output, "^ *(\\d+) pass$");
    const fail = lastNumber(output, "^ *(\\d+) fail$") ?? 0;
    const ran = lastNumber(output, "^Ran (\\d+) tests? across");
    const rootCount = Number(/<testsuites\b[^>]*\btests="(\d+)"/.exec(junit.xml)?.[1] ?? -1);
    const skipped = Number(/<testsuites\b[^>]*\bskipped="(\d+)"/.exec(junit.xml)?.[1] ?? 0);
    return {
      passed: pass ?? 0,
      failed: fail,
      summary: `${pass} pass, ${fail} fail, ran ${ran}`,
      agrees: pass !== undefined && rootCount === ran && rootCount - skipped === pass + fail,
    };
  },
};

async function suite(runtime, command, commandArgs, junitPath) {
  const { status, output } = await run(`tests on ${runtime}`, command, commandArgs, {
    env: { STEVEDORE_TEST_RUNTIME: runtime },
  });
  const junit = junitCases(junitPath);
  const counted = COUNTERS[runtime](output, junit);
  passed += counted.passed;
  failed += counted.failed;
  const bad = junit.leaves.filter((c) => c.failed).map((c) => c.name);
  for (const name of bad) failures.push(`${runtime}: ${name}`);
  if (counted.failed > bad.length) {
    failures.push(`${runtime}: ${counted.failed - bad.length} failure(s) not named in JUnit`);
  }
  if (status !== 0 && counted.failed === 0) {
    failed++;
    failures.push(`${runtime}: runner exited with ${status} without a failing case`);
  }
  if (!counted.agrees) {
    failed++;
    failures.push(`${runtime}: its summary (${counted.summary}) and its JUnit file disagree`);
  }
  console.log(
    `--- ${runtime}: ${counted.passed} passed, ${counted.failed} failed (runner: ${counted.summary})`,
  );
}

try {
  if (runChecks) {
    await check("wasm staleness", process.execPath, [join(root, "wasm", "build.mjs"), "--check"]);
    // `npm install` rebuilt the kernels in place: they must equal what is committed.
    await check("wasm output committed", "git", [
      "diff",
      "--exit-code",
      "--stat",
      "--",
      "src/wasm/",
    ]);
    await check("deno fmt", bin("deno"), ["fmt", "--check"]);
    await check("deno lint", bin("deno"), ["lint"]);
    await check("deno check", bin("deno"), [
      "check",
      "mod.ts",
      "cli.ts",
      "server.ts",
      "tests/",
      "bench/",
    ]);
    // Every entry point of the export map, linted on its own, documents every public symbol
    // it reaches, and the examples of every module and of the README run.
    await lintEntriesAlone(
      Object.values(JSON.parse(readFileSync(join(root, "deno.json"), "utf8")).exports),
    );
    await check("deno test --doc", bin("deno"), [
      "test",
      "-A",
      "--doc",
      "mod.ts",
      "server.ts",
      "src/",
      "README.md",
    ]);
    await check("jsr publish (dry run)", bin("deno"), ["publish", "--dry-run", "--allow-dirty"]);
    await check("npm pack (dry run, builds dist/)", "npm", ["pack", "--dry-run", "--silent"]);
  }
  const files = testFiles();
  if (files.length === 0) throw new Error("no test files matched");
  if (only.includes("deno")) {
    const junit = join(work, "deno.xml");
    await suite(
      "deno",
      bin("deno"),
      ["test", "-A", "--no-check", `--junit-path=${junit}`, ...files],
      junit,
    );
  }
  if (only.includes("node")) {
    const junit = join(work, "node.xml");
    await suite("node", bin("tsx"), [
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
    await suite("bun", bin("bun"), [
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
