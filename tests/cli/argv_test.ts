// parseArgv against Node's own `parseArgs` (strict, positionals allowed): the same values,
// positionals, error codes and messages for thousands of generated command lines and the
// corner cases of its grammar. The reference always runs in a `node` child process, so the
// comparison is with Node's implementation whatever runtime runs this test (Bun's own
// `parseArgs` differs in corners, e.g. `-q-`).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { type ArgvOption, parseArgv } from "../../src/cli/_argv.ts";
import { GLOBAL_FLAGS } from "../../src/cli/_args.ts";
import { command as images } from "../../src/cli/images.ts";

type Options = Record<string, ArgvOption>;

/** The options parseCommandArgs gives for `images` (its flags and the global ones). */
function imagesOptions(): Options {
  const options: Options = {};
  for (const [name, spec] of Object.entries({ ...GLOBAL_FLAGS, ...images.flags })) {
    options[name] = { type: spec.type, multiple: spec.multiple ?? false };
    if (spec.short) options[name].short = spec.short;
  }
  return options;
}

/** Options that use every feature: string and boolean shorts, repeatable ones of both. */
const MIXED: Options = {
  root: { type: "string" },
  quiet: { type: "boolean", short: "q" },
  all: { type: "boolean", short: "a" },
  filter: { type: "string", short: "f", multiple: true },
  verbose: { type: "boolean", short: "v", multiple: true },
  output: { type: "string", short: "o" },
  x: { type: "boolean" },
  "no-trunc": { type: "boolean" },
};

const PIECES = [
  "--root",
  "--root=/s",
  "--root=",
  "--filter",
  "--filter=a=b",
  "-f",
  "-fjson",
  "-f=x",
  "-q",
  "-a",
  "-qa",
  "-aq",
  "-qf",
  "-qfv",
  "-q-",
  "-qx",
  "-xq",
  "-v",
  "-vv",
  "-vqa",
  "-o",
  "-ofile",
  "-aof",
  "--",
  "-",
  "---x",
  "--=x",
  "--=x=y",
  "--x",
  "-x",
  "--quiet=1",
  "--quiet",
  "--all",
  "--no-trunc",
  "--no-trunc=false",
  "--unknown",
  "--unknown=1",
  "-z",
  "-=",
  "--it's",
  "a b",
  "--foo bar",
  "-1",
  "--constructor",
  "--__proto__",
  "-éa",
  "value",
  "x",
  "-",
  "--output",
  "--help",
  "-h",
  "--format",
  "--format={{.ID}}",
  "--sort",
  "size",
  "--noheading",
  "-n",
];

/** A deterministic pseudo-random generator (mulberry32). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function commandLines(count: number, seed: number): string[][] {
  const next = random(seed);
  const lines: string[][] = PIECES.map((piece) => [piece]);
  for (let i = 0; i < count; i++) {
    const length = 1 + Math.floor(next() * 5);
    lines.push(Array.from({ length }, () => PIECES[Math.floor(next() * PIECES.length)]));
  }
  return lines;
}

type Outcome =
  | { values: Record<string, unknown>; positionals: string[] }
  | { code: string; message: string };

/** What Node's parseArgs makes of each line (run in a `node` child process). */
function nodeOutcomes(lines: string[][], options: Options): Outcome[] {
  const script = `
    import { parseArgs } from "node:util";
    let input = "";
    process.stdin.setEncoding("utf8").on("data", (text) => input += text).on("end", () => {
      const { lines, options } = JSON.parse(input);
      const out = lines.map((args) => {
        try {
          const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals: true });
          return { values: { ...values }, positionals };
        } catch (error) {
          return { code: error.code, message: error.message };
        }
      });
      process.stdout.write(JSON.stringify(out));
    });`;
  const result = spawnSync("node", ["--input-type=module", "-e", script], {
    input: JSON.stringify({ lines, options }),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

function ourOutcome(args: string[], options: Options): Outcome {
  try {
    const { values, positionals } = parseArgv(args, options);
    return JSON.parse(JSON.stringify({ values, positionals }));
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
}

function compare(lines: string[][], options: Options): void {
  const expected = nodeOutcomes(lines, options);
  assert.equal(expected.length, lines.length);
  const differences: string[] = [];
  lines.forEach((args, i) => {
    const ours = ourOutcome(args, options);
    try {
      assert.deepEqual(ours, expected[i]);
    } catch {
      differences.push(
        `${JSON.stringify(args)}: ${JSON.stringify(ours)} != ${JSON.stringify(expected[i])}`,
      );
    }
  });
  assert.deepEqual(differences.slice(0, 10), []);
}

describe("parseArgv", () => {
  it("matches Node's parseArgs on the options of `images`", () => {
    compare(commandLines(3000, 1), imagesOptions());
  });

  it("matches Node's parseArgs on options with every feature", () => {
    compare(commandLines(3000, 2), MIXED);
  });

  it("reads groups, inline values and the end of options", () => {
    assert.deepEqual(parseArgv(["-qfv", "--", "-a"], MIXED), {
      values: { quiet: true, filter: ["v"] },
      positionals: ["-a"],
    });
    assert.throws(() => parseArgv(["--root"], MIXED), {
      code: "ERR_PARSE_ARGS_INVALID_OPTION_VALUE",
      message: "Option '--root <value>' argument missing",
    });
  });
});
