// `stevedore load` without `-i` reads the archive from standard input (bytes, in chunks,
// with back-pressure): the image saved from one store loads into another from a pipe.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { tarOf } from "../helpers/random_image.ts";
import { cliCommand, repoRoot } from "./_cli.ts";

function run(root: string, args: string[], input?: Uint8Array) {
  const [command, lead] = cliCommand();
  const result = spawnSync(command, [...lead, "--root", root, ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", HOME: root },
    input: input ?? "",
    timeout: 120_000,
  });
  return {
    code: result.status ?? -1,
    stdout: String(result.stdout ?? ""),
    stderr: String(result.stderr ?? ""),
  };
}

describe("stevedore load from standard input", () => {
  it("loads a saved archive piped in", { timeout: 180_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "stevedore-stdin-"));
    try {
      // A layer larger than one pipe buffer, so the stream pauses and resumes.
      const content = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 7919) % 251);
      const tarball = join(dir, "rootfs.tar");
      await writeFile(tarball, tarOf("data.bin", content));
      const from = join(dir, "from");
      const imported = run(from, ["import", "-q", tarball, "piped:1"]);
      assert.equal(imported.code, 0, imported.stderr);
      const archive = join(dir, "saved.tar");
      assert.equal(run(from, ["save", "-o", archive, "piped:1"]).code, 0);
      const to = join(dir, "to");
      const loaded = run(to, ["load"], await readFile(archive));
      assert.equal(loaded.code, 0, loaded.stderr);
      assert.equal(loaded.stdout, "Loaded image: localhost/piped:1\n");
      const listed = run(to, ["images", "-q", "--no-trunc"]);
      assert.equal(listed.stdout, `sha256:${imported.stdout.trim()}\n`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
