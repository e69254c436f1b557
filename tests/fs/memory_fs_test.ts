import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isNotFound, MemoryFileSystem, NodeFileSystem, writeFileAtomic } from "../../src/fs/mod.ts";
import type { FileSystem } from "../../src/fs/mod.ts";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

async function roundTrip(fs: FileSystem, root: string) {
  await fs.mkdir(join(root, "a/b"), { recursive: true });
  await writeFileAtomic(fs, join(root, "a/b/f.txt"), "hello");
  assert.equal(await fs.readTextFile(join(root, "a/b/f.txt")), "hello");
  assert.deepEqual(await fs.readDir(join(root, "a/b")), ["f.txt"]);
  const writer = (await fs.openWrite(join(root, "a/s.bin"))).getWriter();
  await writer.write(new Uint8Array([1, 2]));
  await writer.write(new Uint8Array([3]));
  await writer.close();
  const chunks: number[] = [];
  for await (const chunk of await fs.openRead(join(root, "a/s.bin"))) chunks.push(...chunk);
  assert.deepEqual(chunks, [1, 2, 3]);
  await fs.rename(join(root, "a/s.bin"), join(root, "a/t.bin"));
  assert.equal((await fs.stat(join(root, "a/t.bin"))).size, 3);
  await assert.rejects(fs.readFile(join(root, "a/s.bin")), (e) => isNotFound(e));
  await fs.remove(join(root, "a"), { recursive: true });
  await assert.rejects(fs.stat(join(root, "a")), (e) => isNotFound(e));
}

describe("file systems", () => {
  it("memory file system round-trips files, streams and renames", async () => {
    await roundTrip(new MemoryFileSystem(), "/root");
  });
  it("disk file system round-trips files, streams and renames", async () => {
    const root = await mkdtemp(join(tmpdir(), "stevedore-fs-"));
    try {
      await roundTrip(new NodeFileSystem(), root);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
