// Kills a process that writes into the store with SIGKILL at chosen phases of its work
// (the child reports each phase and freezes there, see _phase_fs.ts): before and after
// blobs, leases, the lock and commits. The next open must leave no leftover in tmp/ or
// leases/, show no damage, keep exactly what was committed, and accept new images; gc
// must then clean up what the killed writers left behind.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { copyBetween } from "../../src/copy/mod.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { openStore } from "../../src/store/mod.ts";
import { containersStorageTransport } from "../../src/transports/containers_storage/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { randomImage } from "../helpers/random_image.ts";
import { tempRoot } from "./_helpers.ts";
import type { StopAt } from "./_phase_fs.ts";
import { killAtPhase } from "./_spawn.ts";

const stop = (when: StopAt["when"], op: string, path: string, nth = 1): StopAt => ({
  when,
  op,
  path,
  nth,
});

/**
 * Where the writer dies, and whether it had committed its first image of the round by
 * then (`undefined`: not known at that phase).
 */
const ROUNDS: { stop: StopAt; committed: boolean | undefined }[] = [
  { stop: stop("after", "mkdir", "^lock$"), committed: false },
  // The lock folder exists but names no owner yet: broken once it is old enough.
  { stop: stop("before", "rename", "^lock/owner\\.json\\.tmp-"), committed: false },
  { stop: stop("after", "rename", "-> leases/"), committed: false },
  { stop: stop("after", "openWrite", "^tmp/"), committed: false },
  { stop: stop("after", "write", "^tmp/", 2), committed: false },
  { stop: stop("after", "rename", "^tmp/.* -> blobs/", 3), committed: false },
  { stop: stop("after", "writeFile", "^images\\.json\\.tmp-"), committed: false },
  { stop: stop("before", "rename", "-> images\\.json$"), committed: false },
  { stop: stop("after", "rename", "-> images\\.json$"), committed: true },
  { stop: stop("before", "remove", "^leases/"), committed: true },
  { stop: stop("before", "remove", "^lock\\.released-", 3), committed: undefined },
  { stop: stop("after", "rename", "-> images\\.json$", 5), committed: true },
  // Inside a gc, between two blob removals.
  { stop: stop("after", "remove", "^blobs/sha256/"), committed: true },
];

const FIRST_NAME = "docker.io/kill/child:0";

describe("store under SIGKILL", () => {
  it(`survives writers killed at ${ROUNDS.length} phases`, { timeout: 600_000 }, async () => {
    const { path, cleanup } = await tempRoot();
    try {
      const memory = memoryTransport();
      for (const [round, { stop, committed }] of ROUNDS.entries()) {
        const what = `round ${round} (${JSON.stringify(stop)})`;
        const before = await (await openStore({ root: path, fs: new NodeFileSystem() }))
          .imageByName(FIRST_NAME);
        await killAtPhase(path, stop, "write-loop");
        // A fresh file-system object: nothing cached from earlier rounds. The generous lock
        // timeout lets an ownerless lock folder age into a breakable one.
        const fs = new NodeFileSystem();
        const store = await openStore({ root: path, fs, lockTimeoutMs: 60_000 });
        assert.deepEqual(await readdir(`${path}/tmp`), [], what);
        assert.deepEqual(await readdir(`${path}/leases`).catch(() => []), [], what);
        assert.deepEqual(await store.check({ verifyBlobs: true }), [], what);
        const first = await store.imageByName(FIRST_NAME);
        if (committed === true) {
          assert.notEqual(first?.id, undefined, what);
          assert.notEqual(first?.id, before?.id, `${what}: the new image is committed`);
        }
        if (committed === false) assert.equal(first?.id, before?.id, `${what}: nothing committed`);
        if (first !== undefined) assert.equal(await store.isCorrupted(first), false, what);
        const image = randomImage({ layers: 2 });
        memory.store.add("fresh", image);
        await copyBetween(
          memory.parse("fresh"),
          containersStorageTransport(store).parse(`parent/fresh:${round}`),
          { context: { fs } },
        );
        const record = await store.imageByName(`docker.io/parent/fresh:${round}`);
        assert.equal(record?.id, image.config.digest.slice("sha256:".length));
        assert.equal(await store.isCorrupted(record!), false);
      }
      const fs = new NodeFileSystem();
      const store = await openStore({ root: path, fs });
      const records = await store.images();
      assert.ok(records.some((r) => r.names.some((n) => n.startsWith("docker.io/kill/"))));
      await store.gc();
      const referenced = new Set<string>();
      for (const record of records) {
        referenced.add(record.manifestDigest);
        referenced.add(record.id);
        for (const digest of [...record.layers, ...record.digests]) referenced.add(digest);
      }
      const onDisk = await readdir(`${path}/blobs/sha256`);
      const loose = onDisk.filter((hex) =>
        !referenced.has(`sha256:${hex}`) && !referenced.has(hex)
      );
      assert.deepEqual(loose, []);
      assert.deepEqual(await readdir(`${path}/tmp`), []);
      assert.deepEqual(await readdir(`${path}/leases`).catch(() => []), []);
      assert.deepEqual(
        (await readdir(path)).filter((name) => name !== "leases").sort(),
        ["blobs", "images.json", "index.json", "oci-layout", "tmp"],
      );
      assert.deepEqual(await store.check({ verifyBlobs: true }), []);
      for (const record of records) assert.equal(await store.isCorrupted(record), false);
    } finally {
      await cleanup();
    }
  });
});
