// hostFileSystem(): the disk through Deno's own API on Deno (DenoFileSystem), NodeFileSystem
// elsewhere. Whatever it is, it must answer exactly as NodeFileSystem does: the same
// listings, stat fields, bytes and error codes on the same files.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { appendFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { releasePiece } from "../../src/streams/mod.ts";
import {
  DenoFileSystem,
  type FileSystem,
  hostFileSystem,
  isNotFound,
  NodeFileSystem,
  writeFileAtomic,
} from "../../src/fs/mod.ts";
import { readAll } from "../registry/_fixtures.ts";

/** What an operation gave: its value, or its error's code. */
async function outcome<T>(run: () => Promise<T>): Promise<{ value: T } | { code: unknown }> {
  try {
    return { value: await run() };
  } catch (error) {
    return { code: (error as { code?: unknown }).code };
  }
}

describe("hostFileSystem", () => {
  let dir: string;
  const big = Uint8Array.from({ length: 600 * 1024 }, (_, i) => (i * 7) & 0xff);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "stevedore-hostfs-"));
    await mkdir(join(dir, "d/e"), { recursive: true });
    await writeFile(join(dir, "d/f.txt"), "hello");
    await writeFile(join(dir, "big.bin"), big);
    await symlink("d/f.txt", join(dir, "link"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("is Deno's own file system on Deno only", () => {
    const deno = "Deno" in globalThis;
    assert.equal(hostFileSystem() instanceof DenoFileSystem, deno);
    assert.equal(hostFileSystem() instanceof NodeFileSystem, !deno);
  });

  it("reads, lists and describes files as NodeFileSystem does", async () => {
    const host = hostFileSystem();
    const node = new NodeFileSystem();
    const reads: [string, (fs: FileSystem) => Promise<unknown>][] = [
      ["readDir", async (fs) => (await fs.readDir(dir)).sort()],
      ["readDir of a file", (fs) => fs.readDir(join(dir, "d/f.txt"))],
      ["readDir of nothing", (fs) => fs.readDir(join(dir, "none"))],
      ["readTextFile", (fs) => fs.readTextFile(join(dir, "d/f.txt"))],
      ["readTextFile of nothing", (fs) => fs.readTextFile(join(dir, "none"))],
      ["readFile", (fs) => fs.readFile(join(dir, "d/f.txt"))],
      ["readFile of a folder", (fs) => fs.readFile(join(dir, "d"))],
      ["openRead, 600 KiB", async (fs) => readAll(await fs.openRead(join(dir, "big.bin")))],
      ["openRead of nothing", (fs) => fs.openRead(join(dir, "none"))],
    ];
    for (const name of ["d", "d/f.txt", "link", "big.bin", "none"]) {
      reads.push([`stat ${name}`, (fs) => fs.stat(join(dir, name))]);
    }
    for (const [what, read] of reads) {
      assert.deepEqual(await outcome(() => read(host)), await outcome(() => read(node)), what);
    }
    assert.deepEqual(await readAll(await host.openRead(join(dir, "big.bin"))), big);
  });

  it("makes folders and changes files as NodeFileSystem does", async () => {
    const fs = hostFileSystem();
    const root = join(dir, "w");
    assert.deepEqual(await outcome(() => fs.mkdir(join(root, "a/b"))), { code: "ENOENT" });
    await fs.mkdir(join(root, "a/b"), { recursive: true });
    await fs.mkdir(join(root, "a/b"), { recursive: true });
    assert.deepEqual(await outcome(() => fs.mkdir(join(root, "a"))), { code: "EEXIST" });
    await writeFileAtomic(fs, join(root, "a/b/f.txt"), "one");
    const sink = (await fs.openWrite(join(root, "a/s.bin"))).getWriter();
    await sink.write(new Uint8Array([1, 2]));
    await sink.write(new Uint8Array([3]));
    await sink.close();
    await fs.rename(join(root, "a/s.bin"), join(root, "a/t.bin"));
    assert.deepEqual([...await fs.readFile(join(root, "a/t.bin"))], [1, 2, 3]);
    assert.equal(await fs.readTextFile(join(root, "a/b/f.txt")), "one");
    await fs.remove(join(root, "a"), { recursive: true });
    await fs.remove(join(root, "a"));
    await assert.rejects(fs.stat(join(root, "a")), (error) => isNotFound(error));
  });

  it("writes, renames and removes files as NodeFileSystem does", async () => {
    const fss: [string, FileSystem][] = [["host", hostFileSystem()], [
      "node",
      new NodeFileSystem(),
    ]];
    const results: Record<string, unknown[]> = {};
    const chunks = [big.subarray(0, 100), big.subarray(100, 590 * 1024), big.subarray(590 * 1024)];
    for (const [name, fs] of fss) {
      const root = join(dir, `writes-${name}`);
      await fs.mkdir(root);
      const seen: unknown[] = [];
      seen.push(await outcome(() => fs.writeFile(join(root, "none/f"), "x")));
      seen.push(await outcome(() => fs.openWrite(join(root, "none/f"))));
      seen.push(await outcome(() => fs.rename(join(root, "none"), join(root, "other"))));
      await fs.writeFile(join(root, "text"), "héllo", { mode: 0o600, sync: true });
      await fs.writeFile(join(root, "text"), "hi");
      seen.push(
        (await fs.stat(join(root, "text"))).mode,
        await fs.readTextFile(join(root, "text")),
      );
      const sink = (await fs.openWrite(join(root, "stream"), { mode: 0o640, sync: true }))
        .getWriter();
      for (const chunk of chunks) await sink.write(chunk);
      await sink.close();
      const read = await fs.readFile(join(root, "stream"));
      seen.push((await fs.stat(join(root, "stream"))).mode, read.byteLength);
      assert.deepEqual(read, big, name);
      await fs.writeFile(join(root, "old"), "old");
      await fs.rename(join(root, "text"), join(root, "old"));
      seen.push(await fs.readTextFile(join(root, "old")), (await fs.readDir(root)).sort());
      await fs.remove(join(root, "old"));
      await fs.remove(join(root, "old"));
      seen.push((await fs.readDir(root)).sort());
      await fs.remove(root, { recursive: true });
      seen.push(await outcome(() => fs.stat(root)));
      results[name] = seen;
    }
    assert.deepEqual(results.host, results.node);
    assert.deepEqual(results.host.slice(0, 3), [{ code: "ENOENT" }, { code: "ENOENT" }, {
      code: "ENOENT",
    }]);
  });

  it("needs nothing of Node's file API on Deno, for reads or writes", async () => {
    // Deno builds its `node:fs` layer on first use (~20 ms of a command's start-up): the
    // Deno file system must not reach it, directly or through NodeFileSystem.
    const source = await readFile(new URL("../../src/fs/deno_fs.ts", import.meta.url), "utf8");
    const imports = [...source.matchAll(/^import[^;]*?from "([^"]+)";/gms)].map((m) => m[1]);
    assert.ok(imports.length > 0, "no imports parsed");
    const nodeOnes = imports.filter((spec) => /^node:|node_fs|node_builtin/.test(spec));
    assert.deepEqual(nodeOnes, []);
  });

  it("NodeFileSystem.openRead fills a chunk's buffer again once its holder released it", async () => {
    const path = join(dir, "lent.bin");
    const bytes = Uint8Array.from({ length: 5 * 1024 * 1024 + 5 }, (_, i) => (i * 13) & 0xff);
    await writeFile(path, bytes);
    const copies: Uint8Array[] = [];
    const buffers = new Set<ArrayBufferLike>();
    let reused = 0;
    for await (const chunk of await new NodeFileSystem().openRead(path)) {
      if (buffers.has(chunk.buffer)) reused++;
      buffers.add(chunk.buffer);
      copies.push(chunk.slice());
      releasePiece(chunk); // done with it: the reader may fill it again
    }
    assert.ok(reused > 0, "no buffer was filled again");
    assert.deepEqual(await readAll(streamOfChunks(copies)), bytes);
  });

  it("streams a file that grows after a short read to its new end", async () => {
    for (const fs of [hostFileSystem(), new NodeFileSystem()]) {
      const path = join(dir, "growing.bin");
      await writeFile(path, new Uint8Array([1, 2, 3]));
      const reader = (await fs.openRead(path)).getReader();
      const first = await reader.read();
      assert.deepEqual([...first.value!], [1, 2, 3]);
      // The read came back short, as at the end of a file; then the file grows.
      await appendFile(path, big);
      const rest: Uint8Array[] = [];
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        rest.push(next.value);
      }
      assert.deepEqual(await readAll(streamOfChunks(rest)), big);
    }
  });
});

/** A stream of `chunks`. */
function streamOfChunks(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}
