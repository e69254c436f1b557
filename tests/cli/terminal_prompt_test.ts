// The command line's short-name prompt in-process: what it shows, which answers it takes,
// how it ends; and that the command line asks whether stdin and stdout are terminals only
// when a short name needs a prompt (a pull of a full name never asks).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CliIO } from "../../src/cli/_io.ts";
import { terminalPrompt } from "../../src/cli/_prompt.ts";
import { main } from "../../src/cli/main.ts";

const CHOICES = ["quay.io/app:latest", "docker.io/library/app:latest"];
const QUESTION = "Enter a number (1-2) or a name [1]: ";

/** An `io` whose standard input gives `chunks` (then ends unless `open`). */
function fakeIO(chunks: string[], open = false) {
  const written: string[] = [];
  let signal: (() => void) | undefined;
  let listening: (handler: () => void) => void = () => {};
  const listened = new Promise<() => void>((resolve) => listening = resolve);
  const encoder = new TextEncoder();
  const io: CliIO = {
    args: [],
    env: {},
    stdout: () => {
      throw new Error("the prompt wrote to standard output");
    },
    stderr: (text) => void written.push(text),
    stdin: new ReadableStream({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
        if (!open) controller.close();
      },
    }),
    isTTY: { stdin: true, stdout: true, stderr: true },
    runtime: "test",
    exit: () => {},
    onSignal: (handler) => {
      signal = handler;
      listening(handler);
      return () => signal = undefined;
    },
  };
  return { io, written: () => written.join(""), signal: () => signal, listened };
}

describe("terminalPrompt", () => {
  it("numbers the choices on stderr and takes a number, a name or Enter", async () => {
    const { io, written } = fakeIO(["2\n", `  ${CHOICES[0]}  \n\n`]);
    const prompt = terminalPrompt(io);
    assert.equal(await prompt("Please select an image", CHOICES), CHOICES[1]);
    assert.equal(
      written(),
      `? Please select an image:\n  1. ${CHOICES[0]}\n  2. ${CHOICES[1]}\n` +
        `${QUESTION}✔ ${CHOICES[1]}\n`,
    );
    // Later prompts of the same run read on from the same input (two lines came at once).
    assert.equal(await prompt("Please select an image", CHOICES), CHOICES[0]);
    assert.equal(await prompt("Please select an image", CHOICES), CHOICES[0]);
  });

  it("re-asks until an answer names a choice, escaping what was typed", async () => {
    const { io, written } = fakeIO(["0\r\n3\n", "quay.io/app\n\x1b[A\n", "1\n"]);
    assert.equal(await terminalPrompt(io)("Please select an image", CHOICES), CHOICES[0]);
    const invalid = (answer: string) =>
      `${QUESTION}Invalid selection "${answer}": enter a number from 1 to 2 or one of the ` +
      "names above\n";
    assert.ok(
      written().endsWith(
        ["0", "3", "quay.io/app", "\\x1b[A"].map(invalid).join("") + `${QUESTION}✔ ${CHOICES[0]}\n`,
      ),
      written(),
    );
  });

  it("rejects at the end of input, the answer line ended", async () => {
    const { io, written } = fakeIO(["x"]);
    await assert.rejects(terminalPrompt(io)("Please select an image", CHOICES), {
      message: "^D (end of input)",
    });
    assert.ok(written().endsWith(`${QUESTION}\n`), written());
  });

  it("rejects on Ctrl-C (SIGINT) and stops listening for it", async () => {
    const fake = fakeIO([], true);
    const asking = terminalPrompt(fake.io)("Please select an image", CHOICES);
    (await fake.listened)();
    await assert.rejects(asking, { message: "^C (interrupted)" });
    assert.equal(fake.signal(), undefined);
    assert.ok(fake.written().endsWith(`${QUESTION}\n`), fake.written());
  });
});

describe("the command line's terminal check for the prompt", () => {
  let dir: string;
  let conf: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "stevedore-prompt-tty-"));
    conf = join(dir, "registries.conf");
    await writeFile(
      conf,
      'short-name-mode = "enforcing"\nunqualified-search-registries = ["127.0.0.1:9", "127.0.0.1:10"]\n',
    );
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs `pull NAME` and counts the reads of `isTTY.stdin` and `isTTY.stdout`. */
  async function asks(name: string): Promise<{ code: number; reads: number; stderr: string }> {
    let reads = 0;
    let stderr = "";
    const io: CliIO = {
      args: [
        "--root",
        join(dir, "root"),
        "--registries-conf",
        conf,
        "pull",
        "-q",
        "--retry=0",
        name,
      ],
      env: { HOME: dir },
      stdout: () => {},
      stderr: (text) => void (stderr += text),
      stdin: new ReadableStream({ start: (controller) => controller.close() }),
      isTTY: {
        get stdin() {
          reads++;
          return false;
        },
        get stdout() {
          reads++;
          return false;
        },
        stderr: false,
      },
      runtime: "test",
      exit: () => {},
    };
    const code = await main(io);
    return { code, reads, stderr };
  }

  it("a full name never asks; a short name with two registries does", async () => {
    const full = await asks("127.0.0.1:9/app:latest");
    assert.notEqual(full.code, 0); // nothing listens there: it got as far as the pull
    assert.match(full.stderr, /127\.0\.0\.1:9/);
    assert.equal(full.reads, 0);
    const short = await asks("app");
    assert.equal(short.code, 125);
    assert.equal(
      short.stderr,
      "Error: short-name resolution enforced but cannot prompt without a TTY\n",
    );
    assert.ok(short.reads > 0, "the positive control never asked");
  });
});
