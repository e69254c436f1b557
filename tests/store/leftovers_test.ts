// Leftovers of killed or cancelled work: temporary entries and blob leases name their
// owner (pid, start time, host), and the store removes those of processes that no longer
// run when it is opened, checked or pruned, never those of a live process or another host.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import {
  currentPid,
  NodeFileSystem,
  processStartTime,
  temporaryName,
  temporaryOwner,
} from "../../src/fs/mod.ts";
import { Runtime } from "../../src/runtime/mod.ts";
import { openStore } from "../../src/store/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { randomImage } from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";
import { putImageBlobs, tempRoot } from "./_helpers.ts";
import type { StopAt } from "./_phase_fs.ts";
import { deadPid, killAtPhase, start } from "./_spawn.ts";

const ownHost = temporaryOwner(temporaryName())!.host;
const otherHost = ownHost === "00000000" ? "11111111" : "00000000";
const tag = (pid: number, start = "", host = ownHost) => `p${pid}s${start}h${host}`;
const named = (label: string, owner: string) => `${label}-${owner}-${crypto.randomUUID()}`;

/** Writes `tmp/` and `leases/` entries; a name ending in "/" is a folder holding a file. */
async function plant(root: string, names: string[]): Promise<void> {
  for (const name of names) {
    if (name.endsWith("/")) {
      await mkdir(join(root, name), { recursive: true });
      await writeFile(join(root, name, "part"), "partial");
    } else {
      await mkdir(join(root, name, ".."), { recursive: true });
      await writeFile(join(root, name), name.startsWith("leases/") ? "[]" : "partial");
    }
  }
}

const list = (path: string) => readdir(path).then((names) => names.sort(), () => []);

describe("temporary names", () => {
  it("carry this process's pid, start time and host, read back by temporaryOwner", () => {
    const name = temporaryName(".stevedore-load");
    assert.match(name, /^\.stevedore-load-p\d+s\d*h[0-9a-f]{8}-[0-9a-f-]{36}$/);
    assert.deepEqual(temporaryOwner(name), {
      pid: currentPid(),
      start: processStartTime(currentPid()) ?? "",
      host: ownHost,
    });
    assert.deepEqual(temporaryOwner(`${tag(42, "7")}-${crypto.randomUUID()}.json`), {
      pid: 42,
      start: "7",
      host: ownHost,
    });
    // What older versions wrote: a pid only.
    assert.deepEqual(temporaryOwner("4242-x"), { pid: 4242, start: "", host: "" });
    assert.equal(temporaryOwner(`.stevedore-load-${crypto.randomUUID()}`), undefined);
  });
});

describe("store leftovers", () => {
  it("opening removes the entries of dead processes only", async () => {
    const { path, cleanup } = await tempRoot();
    const sleeper = start("sleep", ["infinity"]);
    try {
      const dead = await deadPid();
      const sleeperTag = tag(sleeper.pid, processStartTime(sleeper.pid) ?? "");
      const gone = [
        `tmp/${named("blob", tag(dead))}`,
        `tmp/${named(".stevedore-load", tag(dead, "123"))}/`,
        `tmp/${named("blob", tag(currentPid(), "1"))}`, // our pid, but another process's start
        `leases/${named("", tag(dead)).slice(1)}.json`,
        `tmp/${dead}-${crypto.randomUUID()}`, // the pid-only names of older versions
      ];
      const kept = [
        `tmp/${temporaryName("blob")}`,
        `tmp/${temporaryName(".stevedore-copy")}/`,
        `tmp/${named("blob", sleeperTag)}`,
        `leases/${named("", sleeperTag).slice(1)}.json`,
        `tmp/${named("blob", tag(dead, "", otherHost))}`, // another host may still run it
        `tmp/.stevedore-load-${crypto.randomUUID()}`, // no owner: only gc's age limit
      ];
      await plant(path, [...gone, ...kept]);
      const store = await openStore({ root: path, fs: new NodeFileSystem() });
      const names = (prefix: string, all: string[]) =>
        all.filter((n) => n.startsWith(prefix))
          .map((n) => n.slice(prefix.length).replace(/\/$/, ""))
          .sort();
      assert.deepEqual(await list(`${path}/tmp`), names("tmp/", kept));
      assert.deepEqual(await list(`${path}/leases`), names("leases/", kept));
      assert.deepEqual(await store.check(), []);
      sleeper.kill("SIGKILL");
      await sleeper.exited;
      // The sleeper is gone now: the next open takes its entries too.
      await openStore({ root: path, fs: new NodeFileSystem() });
      const notSleepers = kept.filter((name) => !name.includes(sleeperTag));
      assert.deepEqual(await list(`${path}/tmp`), names("tmp/", notSleepers));
      assert.deepEqual(await list(`${path}/leases`), []);
    } finally {
      sleeper.kill("SIGKILL");
      await cleanup();
    }
  });

  it("a dead writer's lease goes, and with it the blobs only it kept", async () => {
    const { path, cleanup } = await tempRoot();
    try {
      const fs = new NodeFileSystem();
      const store = await openStore({ root: path, fs });
      const image = randomImage({ layers: 2 });
      await putImageBlobs(store, image);
      const lease = `leases/${named("", tag(await deadPid())).slice(1)}.json`;
      await plant(path, [lease]);
      await writeFile(join(path, lease), JSON.stringify([...image.blobs.keys()]));
      assert.equal((await list(`${path}/blobs/sha256`)).length, image.blobs.size + 1);
      await openStore({ root: path, fs: new NodeFileSystem() });
      assert.deepEqual(await list(`${path}/leases`), []);
      assert.deepEqual(await list(`${path}/blobs/sha256`), []);
    } finally {
      await cleanup();
    }
  });

  it("check() reports what it removed as repaired leftovers", async () => {
    const { path, cleanup } = await tempRoot();
    try {
      const store = await openStore({ root: path, fs: new NodeFileSystem() });
      const dead = await deadPid();
      const file = `tmp/${named("blob", tag(dead))}`;
      const folder = `tmp/${named(".stevedore-stage", tag(dead))}`;
      await plant(path, [file, `${folder}/`]);
      const problems = await store.check();
      assert.deepEqual(
        problems.map((p) => [p.kind, p.repaired]),
        [["leftover", true], ["leftover", true]],
      );
      for (const leftover of [file, folder]) {
        assert.ok(problems.some((p) => p.message.includes(leftover)), leftover);
        assert.ok(problems.some((p) => p.message.includes(`process ${dead}`)));
      }
      assert.deepEqual(await list(`${path}/tmp`), []);
      assert.deepEqual(await store.check(), []);
    } finally {
      await cleanup();
    }
  });

  it("image prune removes and reports them", async () => {
    const { path, cleanup } = await tempRoot();
    try {
      const runtime = await Runtime.open({ root: path, env: {}, homeDir: path, warn: () => {} });
      const dead = await deadPid();
      const file = `tmp/${named("blob", tag(dead))}`;
      const lease = `leases/${named("", tag(dead)).slice(1)}.json`;
      const live = `tmp/${temporaryName(".stevedore-load")}`;
      await plant(path, [file, lease, live]);
      const result = await runtime.prune();
      assert.deepEqual(result.reports, []);
      assert.deepEqual(
        result.leftovers.map((l) => [l.path, l.kind, l.pid, l.size]).sort(),
        [[file, "temporary", dead, 7], [lease, "lease", dead, 2]].sort(),
      );
      assert.deepEqual(await list(`${path}/tmp`), [live.slice(4)]);
      assert.deepEqual(await list(`${path}/leases`), []);
    } finally {
      await cleanup();
    }
  });
});

describe("killed pulls and loads", () => {
  let registry: RegistryServer;
  let dir: string;
  let conf: string;
  let archive: string;
  before(async () => {
    registry = await startRegistry();
    dir = await mkdtemp(join(tmpdir(), "stevedore-leftovers-"));
    conf = join(dir, "registries.conf");
    await writeFile(conf, `[[registry]]\nlocation = "${registry.registry}"\ninsecure = true\n`);
    const memory = memoryTransport();
    memory.store.add("app", randomImage({ layers: 3, layerSize: 256 * 1024 }));
    const fs = new NodeFileSystem();
    await copyBetween(memory.parse("app"), `docker://${registry.registry}/left/app:1`, {
      context: { fs, tlsVerify: false },
    });
    archive = join(dir, "app.tar");
    await copyBetween(memory.parse("app"), `docker-archive:${archive}:left/app:1`, {
      context: { fs },
    });
  });
  after(async () => {
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  // `leaves`: where the killed child's leftovers are before the next open.
  const cases: { what: string; stop: StopAt; leaves: string; mode: () => string[] }[] = [
    {
      what: "a pull killed while it writes a layer",
      stop: { when: "after", op: "write", path: "^tmp/", nth: 2 },
      leaves: "tmp",
      mode: () => ["pull", `${registry.registry}/left/app:1`, conf],
    },
    {
      what: "a pull killed after storing two blobs",
      stop: { when: "after", op: "rename", path: "^tmp/.* -> blobs/", nth: 2 },
      leaves: "leases",
      mode: () => ["pull", `${registry.registry}/left/app:1`, conf],
    },
    {
      what: "a load killed while it unpacks the archive",
      stop: { when: "after", op: "write", path: "^tmp/", nth: 3 },
      leaves: "tmp",
      mode: () => ["load", archive],
    },
    {
      what: "a load killed after storing a blob",
      stop: { when: "after", op: "rename", path: "^tmp/.* -> blobs/", nth: 1 },
      leaves: "leases",
      mode: () => ["load", archive],
    },
  ];
  for (const { what, stop, leaves, mode } of cases) {
    it(`${what} leaves tmp/ empty after the next open`, { timeout: 300_000 }, async () => {
      const { path, cleanup } = await tempRoot();
      try {
        const [command, ...args] = mode();
        await killAtPhase(path, stop, command, args);
        assert.notDeepEqual(await list(`${path}/${leaves}`), [], `the child left ${leaves}/`);
        const store = await openStore({ root: path, fs: new NodeFileSystem() });
        assert.deepEqual(await list(`${path}/tmp`), []);
        assert.deepEqual(await list(`${path}/leases`), []);
        // Nothing was committed, so no blob is needed either.
        assert.deepEqual(await list(`${path}/blobs/sha256`), []);
        assert.deepEqual(await store.images(), []);
        assert.deepEqual(await store.check({ verifyBlobs: true }), []);
      } finally {
        await cleanup();
      }
    });
  }
});
