// Podman's short-name prompt through the real command line on a pseudo-terminal: with two
// unqualified-search registries (two real distribution registries) and no alias, a pull of
// a short name asks which registry to use when stdin and stdout are terminals (modes
// enforcing and permissive), pulls the chosen one and records it as an alias in the user's
// short-name-aliases.conf; Ctrl-D or Ctrl-C at the prompt aborts with exit code 125 and
// changes nothing. Without a terminal, enforcing fails with podman's words and permissive
// tries the registries in order.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { type RandomImage, randomImage } from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";
import { runCli } from "./_cli.ts";
import { type PtyOptions, runCliOnPty } from "./_pty.ts";

const QUESTION = "Enter a number (1-2) or a name [1]: ";

/** Every file under `dir` with its size, sorted: a store's shape before and after. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  const lines = await Promise.all(entries.map(async (entry) => {
    const info = await stat(join(dir, entry));
    return info.isDirectory() ? `${entry}/` : `${entry} ${info.size}`;
  }));
  return lines.sort();
}

describe("the short-name prompt on a terminal", () => {
  let first: RegistryServer;
  let second: RegistryServer;
  let dir: string;
  let home: string;
  let enforcing: string;
  let permissive: string;
  let inFirst: RandomImage;
  let inSecond: RandomImage;
  let count = 0;

  /** A new store root. */
  const newRoot = () => join(dir, `root-${++count}`);
  const aliases = () => join(home, ".cache", "containers", "short-name-aliases.conf");
  const idOf = (image: RandomImage) => image.config.digest.slice("sha256:".length);
  const env = () => ({ HOME: home, TMPDIR: dir });

  function pull(root: string, conf: string, name: string, options: Omit<PtyOptions, "env">) {
    const args = ["--root", root, "--registries-conf", conf, "pull", "--retry=0", name];
    return runCliOnPty(args, { env: env(), ...options });
  }

  function images(root: string): string {
    const listed = runCli(["--root", root, "images", "--format", "{{.Repository}} {{.ID}}"], {
      HOME: home,
    });
    assert.equal(listed.code, 0, listed.stderr);
    return listed.stdout;
  }

  before(async () => {
    [first, second] = await Promise.all([startRegistry(), startRegistry()]);
    dir = await mkdtemp(join(tmpdir(), "stevedore-prompt-"));
    home = join(dir, "home");
    const registries =
      `unqualified-search-registries = ["${first.registry}", "${second.registry}"]\n` +
      [first, second].map((r) => `[[registry]]\nlocation = "${r.registry}"\ninsecure = true\n`)
        .join("");
    enforcing = join(dir, "enforcing.conf");
    await writeFile(enforcing, `short-name-mode = "enforcing"\n${registries}`);
    permissive = join(dir, "permissive.conf");
    await writeFile(permissive, `short-name-mode = "permissive"\n${registries}`);
    // `app` in both registries (a different image in each), `solo` in the second only.
    inFirst = randomImage({ layers: 1 });
    inSecond = randomImage({ layers: 1 });
    const memory = memoryTransport();
    memory.store.add("first", inFirst);
    memory.store.add("second", inSecond);
    const context = { fs: new NodeFileSystem(), tlsVerify: false };
    await copyBetween(memory.parse("first"), `docker://${first.registry}/app:latest`, { context });
    for (const name of ["app", "solo"]) {
      await copyBetween(memory.parse("second"), `docker://${second.registry}/${name}:latest`, {
        context,
      });
    }
  });

  after(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("choosing 2 pulls from the second registry, prints its ID and records the alias", async () => {
    await rm(home, { recursive: true, force: true });
    const root = newRoot();
    const run = pull(root, enforcing, "app", {
      stderr: "pipe",
      steps: [{ stream: "stderr", expect: QUESTION, send: "2\n" }],
    });
    assert.equal(run.error, undefined, run.pty + run.stderr);
    assert.equal(run.code, 0, run.stderr);
    const chosen = `${second.registry}/app:latest`;
    assert.ok(
      run.stderr.startsWith(
        "? Please select an image:\n" +
          `  1. ${first.registry}/app:latest\n  2. ${chosen}\n${QUESTION}✔ ${chosen}\n` +
          `Trying to pull ${chosen}...\n`,
      ),
      run.stderr,
    );
    // The terminal shows the typed answer and standard output: the ID alone.
    assert.equal(run.pty, `2\n${idOf(inSecond)}\n`);
    assert.equal(images(root), `${second.registry}/app ${idOf(inSecond).slice(0, 12)}\n`);
    // The choice is an alias now: in the user's cache, used without a terminal.
    const recorded = await readFile(aliases(), "utf8");
    assert.match(recorded, /^\[aliases\]\n/);
    assert.ok(recorded.includes(`app = "${second.registry}/app"`), recorded);
    const again = pull(newRoot(), enforcing, "app", { stdin: "null", stderr: "pipe" });
    assert.equal(again.code, 0, again.stderr);
    assert.ok(
      again.stderr.startsWith(
        `Resolved "app" as an alias (${aliases()})\nTrying to pull ${chosen}...\n`,
      ),
      again.stderr,
    );
  });

  it("re-asks after an answer that names no choice; takes a name", async () => {
    await rm(home, { recursive: true, force: true });
    const root = newRoot();
    const name = `${first.registry}/app:latest`;
    // Permissive mode prompts too when it can.
    const run = pull(root, permissive, "app", {
      stderr: "pipe",
      steps: [
        { stream: "stderr", expect: QUESTION, send: "3\n" },
        { stream: "stderr", expect: QUESTION, send: "\x1b[B\n" },
        { stream: "stderr", expect: QUESTION, send: `${name}\n` },
      ],
    });
    assert.equal(run.error, undefined, run.pty + run.stderr);
    assert.equal(run.code, 0, run.stderr);
    const invalid = (answer: string) =>
      `${QUESTION}Invalid selection "${answer}": enter a number from 1 to 2 or one of the ` +
      "names above\n";
    assert.ok(
      run.stderr.includes(invalid("3") + invalid("\\x1b[B") + `${QUESTION}✔ ${name}\n`),
      run.stderr,
    );
    assert.equal(images(root), `${first.registry}/app ${idOf(inFirst).slice(0, 12)}\n`);
    assert.ok((await readFile(aliases(), "utf8")).includes(`app = "${first.registry}/app"`));
  });

  const aborts = [["Ctrl-D", "\x04", "^D (end of input)"], ["Ctrl-C", "\x03", "^C (interrupted)"]];
  for (const [key, send, reason] of aborts) {
    it(`${key} at the prompt aborts with exit code 125 and changes nothing`, async () => {
      await rm(home, { recursive: true, force: true });
      const root = newRoot();
      assert.equal(images(root), "");
      const before = await tree(root);
      // Every stream on the terminal, as a user has it.
      const run = pull(root, enforcing, "app", { steps: [{ expect: QUESTION, send }] });
      assert.equal(run.error, undefined, run.pty);
      assert.equal(run.code, 125, run.pty);
      assert.ok(run.pty.includes("? Please select an image:\n"), run.pty);
      assert.ok(
        run.pty.endsWith(`\nError: short-name "app": no image selected: ${reason}\n`),
        run.pty,
      );
      assert.ok(!run.pty.includes("Trying to pull"), run.pty);
      // Images, blobs and names as they were; the event log has the failure (as podman's).
      const after = await tree(root);
      assert.deepEqual(after.filter((line) => !line.startsWith("events/")), before);
      const events = runCli(["--root", root, "events", "--stream=false", "--format", "json"], {
        HOME: home,
      });
      assert.equal(events.code, 0, events.stderr);
      const logged = events.stdout.trim().split("\n").map((line) => JSON.parse(line));
      assert.deepEqual(
        logged.map((event) => [event.Status, event.Name, event.Error]),
        [["pull-error", "app", `short-name "app": no image selected: ${reason}`]],
      );
      assert.equal(existsSync(aliases()), false);
    });
  }

  const notTerminals: Array<[string, Omit<PtyOptions, "env">]> = [
    ["stdin", { stdin: "null", stderr: "pipe" }],
    ["stdout", { stdout: "pipe", stderr: "pipe" }],
  ];
  for (const [stream, options] of notTerminals) {
    it(`enforcing without a terminal on ${stream} fails with podman's error`, () => {
      const run = pull(newRoot(), enforcing, "app", options);
      assert.equal(run.code, 125, run.stderr);
      assert.equal(
        run.stderr,
        "Error: short-name resolution enforced but cannot prompt without a TTY\n",
      );
      assert.equal(run.stdout, "");
      assert.equal(run.pty, "");
    });
  }

  it("permissive without a terminal tries the registries in order", () => {
    const root = newRoot();
    const run = pull(root, permissive, "solo", { stdin: "null", stderr: "pipe" });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(
      run.stderr.startsWith(
        `Resolving "solo" using unqualified-search registries (${permissive})\n` +
          `Trying to pull ${first.registry}/solo:latest...\n` +
          `Trying to pull ${second.registry}/solo:latest...\n`,
      ),
      run.stderr,
    );
    assert.equal(run.pty, `${idOf(inSecond)}\n`);
    assert.equal(images(root), `${second.registry}/solo ${idOf(inSecond).slice(0, 12)}\n`);
  });
});
