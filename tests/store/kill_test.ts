// Kills a process that writes into the store with SIGKILL at random moments, many times:
// the store must always open, show no damage worse than an incomplete image, accept new
// images, and gc must clean up what the killed writers left behind.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import { copyImage } from "../../src/copy/mod.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { openStore } from "../../src/store/mod.ts";
import { containersStorageTransport } from "../../src/transports/containers_storage/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { randomImage } from "../helpers/random_image.ts";
import { tempRoot } from "./_helpers.ts";
import { repoRoot, runTs } from "./_spawn.ts";

const KILLS = 20;

/** Starts the writer, waits until it has opened the store, kills it after `delayMs`. */
function runAndKill(root: string, delayMs: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(runTs[0], [...runTs[1], "tests/store/_kill_child.ts", root], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (chunk) => stderr += String(chunk));
    child.stdout!.once("data", () => setTimeout(() => child.kill("SIGKILL"), delayMs));
    child.on("error", reject);
    child.on("close", (_code, signal) => {
      if (signal === "SIGKILL") resolve(signal);
      else reject(new Error(`the writer ended on its own: ${stderr}`));
    });
  });
}

describe("store under SIGKILL", () => {
  it(`survives ${KILLS} killed writers`, { timeout: 120_000 }, async () => {
    const { path, cleanup } = await tempRoot();
    try {
      const memory = memoryTransport();
      for (let round = 0; round < KILLS; round++) {
        await runAndKill(path, Math.floor(Math.random() * 250));
        // A fresh file-system object: nothing cached from earlier rounds.
        const fs = new NodeFileSystem();
        const store = await openStore({ root: path, fs, lockTimeoutMs: 10_000 });
        const problems = await store.check({ verifyBlobs: true });
        assert.deepEqual(problems.filter((p) => p.kind !== "incomplete"), [], `round ${round}`);
        const image = randomImage({ layers: 2 });
        memory.store.add("fresh", image);
        await copyImage(
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
      // The killed writers' blob leases are gone with them.
      // (The folder exists once a writer leased a blob.)
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
