// The CLI's formatting and argument helpers: durations, sizes, tables and templates.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { UsageError } from "../../src/cli/_errors.ts";
import { parseCommandArgs, parseDuration } from "../../src/cli/_args.ts";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { errorLine } from "../../src/cli/_errors.ts";
import { main } from "../../src/cli/main.ts";
import { copyBetween } from "../../src/copy/mod.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { Runtime, runtimeParts } from "../../src/runtime/mod.ts";
import { containersStorageTransport } from "../../src/transports/containers_storage/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { randomImage } from "../helpers/random_image.ts";
import {
  alignColumns,
  escapeControl,
  formatRows,
  humanDuration,
  humanSize,
  parseTemplate,
} from "../../src/cli/_format.ts";

describe("humanDuration and humanSize", () => {
  it("follow go-units", () => {
    assert.equal(humanDuration(500), "Less than a second");
    assert.equal(humanDuration(1000), "1 second");
    assert.equal(humanDuration(59_000), "59 seconds");
    assert.equal(humanDuration(90_000), "About a minute");
    assert.equal(humanDuration(45 * 60_000), "45 minutes");
    assert.equal(humanDuration(65 * 60_000), "About an hour");
    assert.equal(humanDuration(2 * 3600_000), "2 hours");
    assert.equal(humanDuration(3 * 86400_000), "3 days");
    assert.equal(humanDuration(21 * 86400_000), "3 weeks");
    assert.equal(humanDuration(90 * 86400_000), "3 months");
    assert.equal(humanDuration(3 * 365 * 86400_000), "3 years");
    assert.equal(humanSize(5_590_000), "5.59 MB");
    assert.equal(humanSize(999), "999 B");
    assert.equal(humanSize(1_000), "1 kB");
    assert.equal(humanSize(123_456_789), "123 MB");
  });
});

describe("templates", () => {
  const row = { ID: "abc", Repository: "docker.io/x", Tag: "1", Labels: { a: "b" }, N: { M: 3 } };

  it("renders fields, nested fields, json and functions", () => {
    assert.equal(parseTemplate("{{.Repository}}:{{.Tag}}").render(row), "docker.io/x:1");
    assert.equal(parseTemplate("{{.N.M}}").render(row), "3");
    assert.equal(parseTemplate("{{json .Labels}}").render(row), '{"a":"b"}');
    assert.equal(parseTemplate("{{upper .Tag}}{{.ID | upper}}").render(row), "1ABC");
    assert.equal(parseTemplate("{{.Labels}}").render(row), "map[a:b]");
    assert.equal(parseTemplate("a\\tb").render(row), "a\tb");
  });

  it("reads string escapes inside actions and shell escapes outside them", () => {
    const names = { Names: ["a:1", "b:2"] };
    // `--format '{{join .Names "\n"}}'`: the shell passes a backslash and an n.
    assert.equal(parseTemplate('{{join .Names "\\n"}}').render(names), "a:1\nb:2");
    assert.equal(parseTemplate('{{join .Names "\\t"}}\\n').render(names), "a:1\tb:2\n");
    assert.equal(parseTemplate('{{join .Names ", "}}').render(names), "a:1, b:2");
    // What the image says is still escaped; only the format's own separator is not.
    assert.equal(parseTemplate('{{join .Names "\\n"}}').render({ Names: ["x\ny"] }), "x\\ny");
    const text = formatRows([row], "table\\t{{.ID}}\\t{{.Tag}}", (r) => r, {
      defaultFormat: "",
      headers: { ID: "IMAGE ID" },
    });
    assert.equal(text, "IMAGE ID    TAG\nabc         1\n");
  });

  it("rejects unknown fields and malformed actions", () => {
    assert.throws(() => parseTemplate("{{.Nope}}").render(row), UsageError);
    assert.throws(() => parseTemplate("{{.ID"), UsageError);
    assert.throws(() => parseTemplate("{{nofunc .ID}}"), UsageError);
  });

  it("aligns tables like tabwriter and prints JSON arrays", () => {
    assert.deepEqual(alignColumns(["A\tBB\tC", "xxxxxxxxxxxxxx\ty\tz"]), [
      "A               BB          C",
      "xxxxxxxxxxxxxx  y           z",
    ]);
    const text = formatRows([row], "table {{.ID}}\t{{.Tag}}", (r) => r, {
      defaultFormat: "",
      headers: { ID: "IMAGE ID" },
    });
    assert.equal(text, "IMAGE ID    TAG\nabc         1\n");
    assert.deepEqual(
      JSON.parse(formatRows([row], "json", (r) => ({ id: r.ID }), { defaultFormat: "" })),
      [
        { id: "abc" },
      ],
    );
  });
});

describe("parseCommandArgs", () => {
  const flags = {
    quiet: { type: "boolean" as const, short: "q", help: "" },
    filter: { type: "string" as const, multiple: true, help: "" },
  };

  it("parses booleans with =false, repeated flags and global flags", () => {
    const parsed = parseCommandArgs(
      ["--quiet=false", "--filter", "a=1", "--filter=b=2", "--root", "/r", "x"],
      flags,
    );
    assert.equal(parsed.values.quiet, false);
    assert.deepEqual(parsed.values.filter, ["a=1", "b=2"]);
    assert.equal(parsed.values.root, "/r");
    assert.deepEqual(parsed.positionals, ["x"]);
  });

  it("throws UsageError for unknown flags, missing values and bad booleans", () => {
    assert.throws(() => parseCommandArgs(["--nope"], flags), /unknown flag/);
    assert.throws(() => parseCommandArgs(["--filter"], flags), UsageError);
    assert.throws(() => parseCommandArgs(["--quiet=maybe"], flags), /invalid boolean/);
    assert.throws(() => parseCommandArgs(["--log-level=loud"], flags), /invalid log level/);
  });

  it("parses Go durations", () => {
    assert.equal(parseDuration("1m30s"), 90_000);
    assert.equal(parseDuration("500ms"), 500);
    assert.equal(parseDuration("1x"), undefined);
    assert.equal(parseDuration(""), undefined);
  });
});

describe("unprintable characters in output", () => {
  const ESC = String.fromCharCode(0x1b);
  const BEL = String.fromCharCode(0x07);
  const hostile = `evil${ESC}[2J${ESC}]0;owned${BEL}\r\n\u202etxt.exe\u0085`;

  it("are escaped as Go's %q escapes them", () => {
    assert.equal(
      escapeControl(hostile),
      "evil\\x1b[2J\\x1b]0;owned\\a\\r\\n\\u202etxt.exe\\x85",
    );
    assert.equal(escapeControl("plain: é, ü, 日本"), "plain: é, ü, 日本");
  });

  it("never reach a table, a template or an error line raw", () => {
    const rows = [{ Repository: hostile, Tag: `v1${ESC}[31m`, Names: [hostile] }];
    const table = formatRows(rows, undefined, (r) => r, {
      defaultFormat: "table {{.Repository}}\t{{.Tag}}",
    });
    const custom = formatRows(rows, '{{.Repository}}\\n{{.Tag}} {{join .Names ","}}', (r) => r, {
      defaultFormat: "",
    });
    const json = formatRows(rows, "json", (r) => r, { defaultFormat: "" });
    for (const out of [table, custom, json, errorLine(new Error(`Cannot find "${hostile}"`))]) {
      const lines = out.split("\n").slice(0, -1);
      for (const line of lines) {
        assert.ok(
          ![...line].some((c) => c.charCodeAt(0) < 0x20 || c === "\u202e" || c === "\u0085"),
          JSON.stringify(line),
        );
      }
    }
    // What the format itself asks for stays: the separator of join, the table's columns.
    assert.equal(custom.split("\n").length, 3);
    assert.match(table, /^REPOSITORY\s+TAG\n/);
  });

  it("are escaped in `history` of an image whose config says so", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stevedore-format-"));
    try {
      const image = randomImage({ layers: 1, createdBy: () => hostile });
      const memory = memoryTransport();
      memory.store.add("x:y", image);
      const root = join(dir, "store");
      const runtime = await Runtime.open({
        root,
        env: {},
        homeDir: dir,
        uid: 1000,
        warn: () => {},
      });
      await copyBetween(
        memory.parse("x:y"),
        containersStorageTransport(runtimeParts(runtime).store).parse("evil:v1"),
        {
          context: { fs: new NodeFileSystem() },
        },
      );
      let stdout = "";
      const code = await main({
        args: ["--root", root, "history", "--no-trunc", "evil:v1"],
        env: { HOME: dir },
        stdout: (data) =>
          void (stdout += typeof data === "string" ? data : new TextDecoder().decode(data)),
        stderr: () => {},
        stdin: new ReadableStream({ start: (c) => c.close() }),
        isTTY: { stdin: false, stdout: false, stderr: false },
        runtime: "test",
        exit: () => {},
      });
      assert.equal(code, 0);
      assert.ok(stdout.includes("evil\\x1b[2J\\x1b]0;owned\\a"), stdout);
      assert.ok(!stdout.includes(ESC), JSON.stringify(stdout));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
