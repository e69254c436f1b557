// A store write observed by a tap (the layer probe's way in): the tap sees the verified
// bytes, and a tap failure, a digest mismatch or an abort keeps nothing on disk.
import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { gzipSync } from "fflate";
import { type BlobTap, type ImageStore, layerProbe, openStore } from "../../src/store/mod.ts";
import { DigestMismatchError } from "../../src/errors.ts";
import { hostFileSystem } from "../../src/fs/mod.ts";
import { hasLayoutBlob, writeLayoutBlob } from "../../src/store/oci_layout.ts";
import { sha256, tarOf } from "../helpers/random_image.ts";
import { streamOf, tempRoot } from "./_helpers.ts";

/** A tap that records what it sees, and fails in `close` when told to. */
function recordingTap(failOnClose?: Error): BlobTap & { seen: number; closed: boolean } {
  return {
    seen: 0,
    closed: false,
    write(chunk) {
      this.seen += chunk.length;
      // An asynchronous observer: the write must wait for it.
      return Promise.resolve();
    },
    close() {
      if (failOnClose !== undefined) throw failOnClose;
      this.closed = true;
    },
    abort() {},
  };
}

/** `length` pseudo-random bytes (the Web Crypto source gives at most 64 KiB a call). */
function noise(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let at = 0; at < length; at += 65_536) {
    crypto.getRandomValues(out.subarray(at, Math.min(length, at + 65_536)));
  }
  return out;
}

/** Every file under `root`'s blob and temporary folders. */
async function storedFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const dir of ["blobs/sha256", "tmp"]) {
    const names = await readdir(`${root}/${dir}`).catch(() => [] as string[]);
    out.push(...names.map((name) => `${dir}/${name}`));
  }
  return out;
}

describe("store writes with a tap", () => {
  let root: { path: string; cleanup: () => Promise<void> };
  let store: ImageStore;
  beforeEach(async () => {
    root = await tempRoot();
    store = await openStore({ root: root.path, fs: hostFileSystem() });
  });
  afterEach(() => root.cleanup());

  it("shows the tap every byte, then commits", async () => {
    const bytes = noise(300_000);
    const tap = recordingTap();
    await store.putBlob(sha256(bytes), bytes.length, streamOf(bytes), { tap });
    assert.equal(tap.seen, bytes.length);
    assert.equal(tap.closed, true);
    assert.deepEqual(await store.readBlobBytes(sha256(bytes)), bytes);
  });

  it("keeps nothing when the tap fails at the end, or the bytes do not match", async () => {
    const before = await storedFiles(root.path);
    const bytes = noise(70_000);
    await assert.rejects(
      store.putBlob(sha256(bytes), bytes.length, streamOf(bytes), {
        tap: recordingTap(new RangeError("refused")),
      }),
      RangeError,
    );
    const other = sha256(new Uint8Array(1));
    await assert.rejects(
      store.putBlob(other, bytes.length, streamOf(bytes), { tap: recordingTap() }),
      DigestMismatchError,
    );
    assert.equal(await store.hasBlob(sha256(bytes)), false);
    assert.deepEqual(await storedFiles(root.path), before);
  });

  it("keeps nothing when the write is aborted while the source stalls", async () => {
    const layout = `${root.path}/layout`;
    const fs = hostFileSystem();
    const whole = new Uint8Array(2000);
    const controller = new AbortController();
    let asked!: () => void;
    const stalled = new Promise<void>((resolve) => asked = resolve);
    let cancelled: unknown;
    // One chunk, then nothing until cancelled: a cancelled read ends as a finished one
    // does, which must not commit the blob.
    const source = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(whole.subarray(0, 1000));
      },
      pull() {
        asked();
        return new Promise<void>(() => {});
      },
      cancel(reason) {
        cancelled = reason;
      },
    }, { highWaterMark: 0 });
    const tap = recordingTap();
    const writing = writeLayoutBlob(fs, layout, sha256(whole), whole.length, source, {
      temporary: `${root.path}/partial`,
      verified: true,
      tap,
      signal: controller.signal,
    });
    await stalled;
    const reason = new Error("stop");
    controller.abort(reason);
    await assert.rejects(writing, (error) => error === reason);
    assert.equal(cancelled, reason);
    assert.equal(tap.seen, 1000);
    assert.equal(tap.closed, false);
    assert.equal(await hasLayoutBlob(fs, layout, sha256(whole)), false);
    assert.equal((await readdir(root.path)).includes("partial"), false);
  });

  it("learns a layer's facts through the probe's tap", async () => {
    const tar = tarOf("file.bin", noise(50_000));
    const packed = gzipSync(tar, { mtime: 0 });
    const probe = layerProbe("layer");
    await store.putBlob(sha256(packed), packed.length, streamOf(packed), { tap: probe.tap });
    assert.deepEqual(await probe.facts, {
      compression: "gzip",
      diffId: sha256(tar),
      size: tar.length,
    });
    const refused = layerProbe("layer", () => {
      throw new RangeError("not this diff ID");
    });
    const again = gzipSync(tarOf("other.bin", new Uint8Array(10)), { mtime: 0 });
    await assert.rejects(
      store.putBlob(sha256(again), again.length, streamOf(again), { tap: refused.tap }),
      RangeError,
    );
    await assert.rejects(refused.facts, RangeError);
    assert.equal(await store.hasBlob(sha256(again)), false);
  });
});
