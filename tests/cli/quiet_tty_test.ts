// A quiet command never asks whether standard error is a terminal: the answer only shapes
// progress output, and on Bun asking loads node:tty (~8 ms of a command's start-up).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CliIO } from "../../src/cli/_io.ts";
import { main } from "../../src/cli/main.ts";

describe("quiet commands and the terminal check", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "stevedore-quiet-tty-"));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs `args` and counts the reads of `isTTY.stderr`. */
  async function asks(args: string[]): Promise<{ code: number; reads: number }> {
    let reads = 0;
    const io: CliIO = {
      args: ["--root", join(dir, "root"), ...args],
      env: { HOME: dir },
      stdout: () => {},
      stderr: () => {},
      stdin: new ReadableStream({ start: (controller) => controller.close() }),
      isTTY: {
        stdin: false,
        stdout: false,
        get stderr() {
          reads++;
          return false;
        },
      },
      runtime: "test",
      exit: () => {},
    };
    const code = await main(io);
    return { code, reads };
  }

  for (const command of ["load", "save"]) {
    it(`${command} -q does not ask; without -q it does`, async () => {
      const input = join(dir, "missing.tar");
      const args = command === "load" ? ["load", "-i", input] : ["save", "-o", input, "none:v1"];
      const quiet = await asks([...args.slice(0, 1), "-q", ...args.slice(1)]);
      assert.notEqual(quiet.code, 0); // the input or image does not exist: it still got that far
      assert.equal(quiet.reads, 0);
      const loud = await asks(args);
      assert.notEqual(loud.code, 0);
      assert.ok(loud.reads > 0, "the positive control never asked");
    });
  }
});
