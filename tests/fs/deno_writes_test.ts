// A file written through Deno's API flushes its data on a second handle: Deno runs one
// operation at a time per handle, so a flush on the writing handle held every write behind
// it. The fake files here keep that rule: an operation waits for the one before it on the
// same handle.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, readlink, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WRITE_BACK_BYTES } from "../../src/fs/_batched_sink.ts";
import { type DenoFlushableFile, positionedWrites } from "../../src/fs/_deno_writes.ts";
import { DenoFileSystem } from "../../src/fs/mod.ts";

/** A gate a test opens: operations queued behind it wait until then. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => open = resolve);
  return { opened, open };
}

/** A handle whose operations run one at a time, in order, as Deno's do. */
function serialHandle(name: string, log: string[]) {
  let last: Promise<unknown> = Promise.resolve();
  let closed = false;
  const run = <T>(what: string, op: () => Promise<T> | T): Promise<T> => {
    const next = last.then(() => {
      if (closed) throw new Error(`${name}: ${what} after close`);
      log.push(`${name} ${what}`);
      return op();
    });
    last = next.catch(() => {});
    return next;
  };
  return {
    isClosed: () => closed,
    run,
    close() {
      closed = true;
      log.push(`${name} close`);
    },
  };
}

describe("positionedWrites (Deno's file handles)", () => {
  it("flushes through a second handle, so writes go on while a flush waits for the disk", async () => {
    const firstLog: string[] = [];
    const secondLog: string[] = [];
    const first = serialHandle("first", firstLog);
    const second = serialHandle("second", secondLog);
    const disk = gate();
    const flushStarted = gate();
    let opened = 0;
    let written = 0;
    const handle = positionedWrites(
      {
        write: (bytes) => first.run("write", () => (written += bytes.length, bytes.length)),
        seek: (offset) => first.run("seek", () => offset),
        sync: () => first.run("sync", () => {}),
        close: () => first.close(),
      },
      () => {
        opened++;
        const file: DenoFlushableFile = {
          syncData: () => second.run("syncData", () => (flushStarted.open(), disk.opened)),
          close: () => second.close(),
        };
        return Promise.resolve(file);
      },
    );
    await handle.write(new Uint8Array(10), 0, 10, 0);
    let flushed = false;
    const flushing = handle.datasync!().then(() => flushed = true);
    await flushStarted.opened;
    // The flush waits for the disk; writes on the file still finish.
    for (let i = 1; i <= 3; i++) {
      assert.deepEqual(await handle.write(new Uint8Array(10), 0, 10, i * 10), { bytesWritten: 10 });
    }
    assert.equal(written, 40);
    assert.equal(flushed, false);
    disk.open();
    await flushing;
    await handle.datasync!();
    await handle.sync();
    await handle.close();
    assert.equal(opened, 1, "one second handle for every flush");
    assert.deepEqual(firstLog, [
      "first write",
      "first write",
      "first write",
      "first write",
      "first sync",
      "first close",
    ]);
    assert.deepEqual(secondLog, ["second syncData", "second syncData", "second close"]);
  });

  it("closes the file when the second handle could not be opened", async () => {
    const log: string[] = [];
    const first = serialHandle("first", log);
    const handle = positionedWrites(
      {
        write: (bytes) => first.run("write", () => bytes.length),
        seek: (offset) => first.run("seek", () => offset),
        sync: () => first.run("sync", () => {}),
        close: () => first.close(),
      },
      () => Promise.reject(Object.assign(new Error("no handles left"), { code: "EMFILE" })),
    );
    await assert.rejects(handle.datasync!(), /no handles left/);
    await handle.close();
    assert.ok(first.isClosed());
  });

  it("on Deno, leaves no handle of a flushed file open once it is closed", {
    skip: !("Deno" in globalThis) || !existsSync("/proc/self/fd"),
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "stevedore-denowrites-"));
    try {
      const path = join(dir, "blob");
      const size = 2 * WRITE_BACK_BYTES + 123;
      const writer = (await new DenoFileSystem().openWrite(path, { sync: true })).getWriter();
      const piece = new Uint8Array(1024 * 1024);
      for (let at = 0; at < size; at += piece.length) {
        piece.fill(at / piece.length);
        await writer.write(piece.subarray(0, Math.min(piece.length, size - at)));
      }
      await writer.close();
      const bytes = await readFile(path);
      assert.equal(bytes.length, size);
      assert.equal(bytes[WRITE_BACK_BYTES + 5], (WRITE_BACK_BYTES / piece.length) & 0xff);
      const links = await Promise.all(
        (await readdir("/proc/self/fd")).map((fd) =>
          readlink(`/proc/self/fd/${fd}`).catch(() => "")
        ),
      );
      assert.deepEqual(links.filter((link) => link === path), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
