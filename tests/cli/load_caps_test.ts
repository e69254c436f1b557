// The CLI's caps on load and import: --max-bytes and --max-images end a hostile payload
// with a TooLarge error (exit 125, as podman exits on any error), the store and its tmp/
// untouched; bad values are usage errors.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import {
  ociArchive,
  plainImage,
  storeFingerprint,
  tmpEntries,
  zeroBomb,
} from "../runtime/_hostile_env.ts";
import { runCli } from "./_cli.ts";

describe("stevedore load/import caps", () => {
  let dir: string;
  const fs = new NodeFileSystem();
  const root = () => join(dir, "root");
  const cli = (...args: string[]) =>
    runCli(["--root", root(), "--registries-conf", join(dir, "r.conf"), ...args], { HOME: dir });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "stevedore-cli-caps-"));
    await writeFile(join(dir, "r.conf"), "");
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("stops a decompression bomb at --max-bytes (load and import)", async () => {
    const bomb = join(dir, "bomb.tar.gz");
    await zeroBomb(fs, bomb, 8 * 1024 * 1024);
    assert.equal(cli("images").code, 0);
    const before = await storeFingerprint(root());
    for (
      const args of [["load", "-i", bomb, "--max-bytes", "1M"], [
        "import",
        "--max-bytes",
        "1MiB",
        bomb,
      ]]
    ) {
      const result = cli(...args);
      assert.equal(result.code, 125, result.stderr);
      assert.match(result.stderr, /the limit is 1048576/, args[0]);
      assert.deepEqual(await storeFingerprint(root()), before, args[0]);
      assert.deepEqual(await tmpEntries(root()), [], args[0]);
    }
  });

  it("refuses more images than --max-images, and loads them under a higher cap", async () => {
    const archive = join(dir, "three.tar");
    await ociArchive(fs, archive, plainImage(), 3);
    const refused = cli("load", "-i", archive, "--max-images", "2");
    assert.equal(refused.code, 125, refused.stderr);
    assert.match(refused.stderr, /3 images/);
    const loaded = cli("load", "-i", archive, "--max-images", "3");
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.equal(loaded.stdout.split("\n").filter((line) => line.startsWith("Loaded")).length, 3);
  });

  it("treats a malformed size as a usage error", () => {
    const result = cli("load", "-i", join(dir, "x.tar"), "--max-bytes", "lots");
    assert.equal(result.code, 125, result.stderr);
    assert.match(result.stderr, /invalid size "lots"/);
  });
});
