// Unpack checks each layer against the config's diff_ids while it streams, and a failed
// unpack never leaves a folder that looks complete: it removes what it created, empties
// a folder that was empty, or marks a folder that held files incomplete. It creates
// missing parents, and unpacks into one folder take turns.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DigestMismatchError, InvalidManifestError } from "../../src/errors.ts";
import { NodeRootfsWriter, type RootfsWriter } from "../../src/fs/mod.ts";
import type { Runtime } from "../../src/runtime/mod.ts";
import { type LayerEntry, layerTar, storeLayeredImage } from "./_layer_tar.ts";
import { plantSentinel, snapshot } from "./_sentinel.ts";
import { openUnpackRuntime } from "./_unpack_env.ts";
import { runtimeParts } from "../../src/runtime/mod.ts";

const GOOD: LayerEntry[] = [{ name: "etc/", type: "dir" }, { name: "etc/os", body: "good" }];
const SECOND: LayerEntry[] = [{ name: "usr/", type: "dir" }, { name: "usr/bin", body: "bin" }];
// The file that marks a folder an unpack could not finish (documented on `unpack`).
const INCOMPLETE_MARKER = ".stevedore-unpack-incomplete";
const WRONG = "sha256:" + "0".repeat(64);

function sha256(bytes: Uint8Array): string {
  return "sha256:" + createHash("sha256").update(bytes).digest("hex");
}

/** Stores `localhost/lying:latest`, whose second layer does not match its diff ID. */
async function storeLying(runtime: Runtime): Promise<void> {
  const tars = [layerTar(GOOD), layerTar(SECOND)];
  await storeLayeredImage(runtimeParts(runtime).store, "localhost/lying:latest", tars, undefined, [
    sha256(tars[0]),
    WRONG,
  ]);
}

async function withRuntime(
  fn: (ctx: { dir: string; runtime: Runtime }) => Promise<void>,
): Promise<void> {
  const { dir, runtime } = await openUnpackRuntime("stevedore-integrity-");
  try {
    await fn({ dir, runtime });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return await promise.then(() => undefined, (error) => error);
}

describe("unpack checks layers against the config's diff_ids", () => {
  it("refuses a layer whose content is not its diff ID and removes the folder it created", async () => {
    await withRuntime(async ({ dir, runtime }) => {
      await storeLying(runtime);
      const error = await failure(runtime.unpack("localhost/lying", join(dir, "new/a/root")));
      assert.ok(error instanceof DigestMismatchError, String(error));
      assert.equal(error.code, "DigestMismatch");
      assert.equal(error.expected, WRONG);
      assert.equal(error.actual, sha256(layerTar(SECOND)));
      assert.match(error.message, /uncompressed layer sha256:[0-9a-f]{64} of localhost\/lying/);
      assert.deepEqual((await readdir(dir)).sort(), ["registries.conf", "store"]);
    });
  });

  it("empties a folder that was empty", async () => {
    await withRuntime(async ({ dir, runtime }) => {
      await storeLying(runtime);
      const dest = join(dir, "empty");
      await mkdir(dest);
      const error = await failure(runtime.unpack("localhost/lying", dest));
      assert.ok(error instanceof DigestMismatchError, String(error));
      assert.deepEqual(await readdir(dest), []);
    });
  });

  it("marks a folder that held files incomplete, naming the reason", async () => {
    await withRuntime(async ({ dir, runtime }) => {
      await storeLying(runtime);
      const dest = join(dir, "full");
      await mkdir(dest);
      await writeFile(join(dest, "mine"), "mine");
      const error = await failure(runtime.unpack("localhost/lying", dest));
      assert.ok(error instanceof DigestMismatchError, String(error));
      const marker = await readFile(join(dest, INCOMPLETE_MARKER), "utf8");
      assert.ok(marker.includes((error as Error).message), marker);
      assert.equal(await readFile(join(dest, "mine"), "utf8"), "mine");

      // A later good unpack into the same folder clears the mark.
      await storeLayeredImage(runtimeParts(runtime).store, "localhost/good:latest", [
        layerTar(GOOD),
      ]);
      await runtime.unpack("localhost/good", dest);
      assert.deepEqual((await readdir(dest)).sort(), ["etc", "mine", "usr"]);
    });
  });

  it("refuses a config that does not list one diff ID a layer, before writing", async () => {
    await withRuntime(async ({ dir, runtime }) => {
      const tars = [layerTar(GOOD), layerTar(SECOND)];
      await storeLayeredImage(
        runtimeParts(runtime).store,
        "localhost/short:latest",
        tars,
        undefined,
        [
          sha256(tars[0]),
        ],
      );
      const error = await failure(runtime.unpack("localhost/short", join(dir, "root")));
      assert.ok(error instanceof InvalidManifestError, String(error));
      assert.match((error as Error).message, /2 layers but 1 diff IDs/);
      assert.deepEqual((await readdir(dir)).sort(), ["registries.conf", "store"]);
    });
  });

  it("marks the folder incomplete while layers go in", async () => {
    await withRuntime(async ({ dir, runtime }) => {
      await storeLayeredImage(runtimeParts(runtime).store, "localhost/good:latest", [
        layerTar(GOOD),
      ]);
      const dest = join(dir, "root");
      const seen: string[] = [];
      const writer = new NodeRootfsWriter();
      const watching: RootfsWriter = Object.assign(Object.create(writer), {
        async writeFile(path: string, data: ReadableStream<Uint8Array>, mode: number) {
          if (path.endsWith("/etc/os")) {
            seen.push(await readFile(join(dest, INCOMPLETE_MARKER), "utf8"));
          }
          return await writer.writeFile(path, data, mode);
        },
      });
      await runtime.unpack("localhost/good", dest, { writer: watching });
      assert.equal(seen.length, 1);
      assert.match(seen[0], /unpacking localhost\/good/);
      assert.deepEqual(await readdir(dest), ["etc"]);
    });
  });

  it("removes the folder it created when cancelled", async () => {
    await withRuntime(async ({ dir, runtime }) => {
      await storeLayeredImage(runtimeParts(runtime).store, "localhost/good:latest", [
        layerTar(GOOD),
      ]);
      const controller = new AbortController();
      controller.abort();
      const signal = controller.signal;
      await assert.rejects(runtime.unpack("localhost/good", join(dir, "root"), { signal }));
      assert.deepEqual((await readdir(dir)).sort(), ["registries.conf", "store"]);
    });
  });

  it("unpacks a good image leaving no mark", async () => {
    await withRuntime(async ({ dir, runtime }) => {
      await storeLayeredImage(runtimeParts(runtime).store, "localhost/good:latest", [
        layerTar(GOOD),
        layerTar(SECOND),
      ]);
      const dest = join(dir, "root");
      await runtime.unpack("localhost/good", dest);
      assert.deepEqual((await readdir(dest)).sort(), ["etc", "usr"]);
    });
  });
});

describe("unpack destinations", () => {
  it("creates missing parent folders", async () => {
    await withRuntime(async ({ dir, runtime }) => {
      await storeLayeredImage(runtimeParts(runtime).store, "localhost/good:latest", [
        layerTar(GOOD),
      ]);
      const dest = join(dir, "a", "b", "c", "root");
      const result = await runtime.unpack("localhost/good", `${dest}/`);
      assert.equal(result.dir, dest);
      assert.equal(await readFile(join(dest, "etc/os"), "utf8"), "good");
    });
  });

  it("refuses a destination that is a file, changing nothing", async () => {
    await withRuntime(async ({ dir, runtime }) => {
      await storeLayeredImage(runtimeParts(runtime).store, "localhost/good:latest", [
        layerTar(GOOD),
      ]);
      await writeFile(join(dir, "file"), "file");
      await assert.rejects(runtime.unpack("localhost/good", join(dir, "file")), TypeError);
      await assert.rejects(runtime.unpack("localhost/good", join(dir, "file", "root")), TypeError);
      assert.equal(await readFile(join(dir, "file"), "utf8"), "file");
    });
  });

  it("lets unpacks into one folder take turns, so none writes through the other's link", async () => {
    await withRuntime(async ({ dir, runtime }) => {
      const base = await mkdtemp(join(tmpdir(), "stevedore-sentinel-"));
      try {
        await plantSentinel(base);
        const before = await snapshot(base);
        const deep: LayerEntry[] = [{ name: "d/", type: "dir" }];
        for (let i = 0; i < 20; i++) {
          deep.push({ name: `d/x/f${i}`, body: `${i}` });
          deep.push({ name: `d/x/${i}/`, type: "dir", mode: 0o777 });
        }
        await storeLayeredImage(runtimeParts(runtime).store, "localhost/deep:latest", [
          layerTar(deep),
        ]);
        await storeLayeredImage(runtimeParts(runtime).store, "localhost/swap:latest", [layerTar([
          { name: ".wh.d" },
          { name: "d", type: "symlink", linkname: base },
        ])]);
        const log: string[] = [];
        const dest = join(dir, "root");
        await Promise.all([
          runtime.unpack("localhost/deep", dest, { writer: logging("deep", log) }),
          runtime.unpack("localhost/swap", dest, { writer: logging("swap", log) }),
        ]);
        // One unpack ran whole, then the other: the log changes hands once.
        const turns = log.filter((who, i) => i > 0 && who !== log[i - 1]).length;
        assert.ok(log.includes("deep") && log.includes("swap") && turns === 1, log.join());
        assert.deepEqual(await snapshot(base), before);
      } finally {
        await rm(base, { recursive: true, force: true });
      }
    });
  });
});

/** A disk writer that notes `who` in `log` at each call. */
function logging(who: string, log: string[]): RootfsWriter {
  const inner = new NodeRootfsWriter();
  return new Proxy(inner, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        log.push(who);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
