import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readdir, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import {
  isProcessAlive,
  MemoryFileSystem,
  NodeFileSystem,
  processStartTime,
} from "../../src/fs/mod.ts";
import { openStore } from "../../src/store/mod.ts";
import { StoreLockedError } from "../../src/errors.ts";
import { randomImage } from "../helpers/random_image.ts";
import { addImage, tempRoot } from "./_helpers.ts";
import { deadPid, runTs, start } from "./_spawn.ts";

async function writeLock(root: string, pid: number, start?: string): Promise<void> {
  await mkdir(`${root}/lock`);
  const owner = {
    pid,
    host: hostname(),
    acquiredAt: new Date().toISOString(),
    token: "t",
    ...(start === undefined ? {} : { start }),
  };
  await writeFile(`${root}/lock/owner.json`, JSON.stringify(owner));
}

describe("store lock", () => {
  it("tells live processes from dead ones", async () => {
    assert.equal(isProcessAlive(process.pid), true);
    assert.equal(isProcessAlive(await deadPid()), false);
    assert.equal(isProcessAlive(-1), false);
    const start = processStartTime(process.pid);
    assert.match(start ?? "", /^\d+$/, "Linux names when a process started");
    assert.equal(isProcessAlive(process.pid, start), true);
    // The same pid, started at another time: another process that reuses the pid.
    assert.equal(isProcessAlive(process.pid, String(Number(start) + 1)), false);
  });

  it("breaks the lock of a pid that a process started at another time now uses", async () => {
    const { path, cleanup } = await tempRoot();
    const sleeper = start("sleep", ["infinity"]);
    try {
      const store = await openStore({ root: path, fs: new NodeFileSystem(), lockTimeoutMs: 5000 });
      const real = processStartTime(sleeper.pid)!;
      await writeLock(path, sleeper.pid, String(Number(real) + 1));
      const record = await addImage(store, randomImage(), ["reused/pid:1"]);
      assert.deepEqual(record.names, ["reused/pid:1"]);
      // The holder that really started then still holds its lock.
      await writeLock(path, sleeper.pid, real);
      const waiting = await openStore({ root: path, fs: new NodeFileSystem(), lockTimeoutMs: 150 });
      await assert.rejects(addImage(waiting, randomImage()), StoreLockedError);
    } finally {
      sleeper.kill("SIGKILL");
      await cleanup();
    }
  });

  it("is re-entrant and serializes callers within a process", async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore({ root: "/s", fs });
    const image = randomImage();
    const record = await addImage(store, image);
    const nested = await store.withLock(() =>
      store.withLock(() => store.changeNames(record.id, { add: ["re/entrant:1"] }))
    );
    assert.deepEqual(nested.names, ["re/entrant:1"]);
    let inside = 0;
    let most = 0;
    await Promise.all(Array.from({ length: 10 }, () =>
      store.withLock(async () => {
        most = Math.max(most, ++inside);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inside--;
      })));
    assert.equal(most, 1);
    // Another store object on the same fs and root shares the queue: no lost update.
    const other = await openStore({ root: "/s", fs });
    await Promise.all(
      Array.from(
        { length: 30 },
        (_, i) => (i % 2 ? store : other).changeNames(record.id, { add: [`many/n:${i}`] }),
      ),
    );
    assert.equal((await store.imageById(record.id))!.names.length, 31);
    // A failing callback releases the lock.
    await assert.rejects(store.withLock(() => Promise.reject(new Error("boom"))), /boom/);
    assert.equal(await store.withLock(() => Promise.resolve(7)), 7);
  });

  it("breaks the lock of a dead process", async () => {
    const { path, cleanup } = await tempRoot();
    try {
      const store = await openStore({ root: path, fs: new NodeFileSystem(), lockTimeoutMs: 5000 });
      await writeLock(path, await deadPid());
      const record = await addImage(store, randomImage(), ["stale/lock:1"]);
      assert.deepEqual(record.names, ["stale/lock:1"]);
      assert.deepEqual((await readdir(path)).filter((n) => n.startsWith("lock")), []);
    } finally {
      await cleanup();
    }
  });

  it("waits for a live holder, times out, and breaks the lock once the holder dies", async () => {
    const { path, cleanup } = await tempRoot();
    // Lives until killed: the test never races its natural end.
    const sleeper = start("sleep", ["infinity"]);
    try {
      const store = await openStore({ root: path, fs: new NodeFileSystem(), lockTimeoutMs: 150 });
      const image = randomImage();
      await writeLock(path, sleeper.pid);
      await assert.rejects(addImage(store, image), StoreLockedError);
      sleeper.kill("SIGKILL");
      await sleeper.exited;
      await addImage(store, image, ["after/death:1"]);
      assert.equal((await store.images()).length, 1);
    } finally {
      sleeper.kill("SIGKILL");
      await cleanup();
    }
  });

  it("breaks an ownerless lock directory only when it is old", async () => {
    const { path, cleanup } = await tempRoot();
    try {
      const store = await openStore({ root: path, fs: new NodeFileSystem(), lockTimeoutMs: 100 });
      await mkdir(`${path}/lock`);
      // Dated ahead, so it stays young however slowly this test runs.
      const fresh = new Date(Date.now() + 3_600_000);
      await utimes(`${path}/lock`, fresh, fresh);
      await assert.rejects(store.withLock(() => Promise.resolve()), StoreLockedError);
      const old = new Date(Date.now() - 60_000);
      await utimes(`${path}/lock`, old, old);
      assert.equal(await store.withLock(() => Promise.resolve("ok")), "ok");
    } finally {
      await cleanup();
    }
  });

  it("loses no name when two processes change names at the same time", async () => {
    const { path, cleanup } = await tempRoot();
    try {
      const store = await openStore({ root: path, fs: new NodeFileSystem() });
      const a = await addImage(store, randomImage());
      const b = await addImage(store, randomImage());
      const children = ["one", "two"].map((tag) =>
        start(runTs[0], [...runTs[1], "tests/store/_names_child.ts", path, a.id, b.id, tag, "20"])
      );
      for (const child of children) {
        const result = await child.exited;
        assert.equal(result.code, 0, result.stderr);
      }
      const names = (await store.images()).flatMap((record) => record.names).sort();
      const expected = ["one", "two"].flatMap((tag) =>
        Array.from({ length: 20 }, (_, i) => `${tag}/n:${i}`)
      ).sort();
      assert.deepEqual(names, expected);
      assert.equal((await store.imageById(a.id))!.names.length, 20);
      assert.deepEqual(await store.check({ verifyBlobs: true }), []);
      assert.deepEqual((await readdir(path)).filter((n) => n.includes("lock")), []);
    } finally {
      await cleanup();
    }
  });
});
