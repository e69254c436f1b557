// What an upload to the store-backed `/v2/` storage reports: a digest that does not match
// is a DigestMismatchError (the client sent the wrong bytes), and a failure of the store
// itself (the disk) goes up as it is, not disguised as a digest mismatch.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DigestMismatchError } from "../../src/errors.ts";
import { MemoryFileSystem } from "../../src/fs/mod.ts";
import { StoreRegistryStorage } from "../../src/server/mod.ts";
import { type ImageStore, openStore } from "../../src/store/mod.ts";
import { digestBytes } from "../../src/digest/mod.ts";

const bytes = new TextEncoder().encode("a blob pushed over /v2/");

async function upload(store: ImageStore, fs: MemoryFileSystem, digest: string): Promise<void> {
  const storage = new StoreRegistryStorage(store, { fs });
  const session = await storage.startUpload("app");
  await session.append(new Blob([bytes]).stream());
  await session.commit(digest);
}

describe("store registry storage uploads", () => {
  it("reports a wrong digest as a digest mismatch", async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore({ root: "/store", fs });
    const wrong = String(await digestBytes(new TextEncoder().encode("other bytes")));
    await assert.rejects(upload(store, fs, wrong), DigestMismatchError);
    assert.equal(await store.hasBlob(wrong), false);
  });

  it("passes a failure of the store up as it is", async () => {
    const fs = new MemoryFileSystem();
    const real = await openStore({ root: "/store", fs });
    const diskFull = new Error("ENOSPC: no space left on device");
    // The real store, whose blob write fails the way a full disk makes it fail.
    const failing = new Proxy(real, {
      get(target, key, receiver) {
        if (key === "putBlob") {
          return async (_digest: string, _size: number, stream: ReadableStream<Uint8Array>) => {
            await stream.cancel();
            throw diskFull;
          };
        }
        const value = Reflect.get(target, key, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const digest = String(await digestBytes(bytes));
    await assert.rejects(upload(failing, fs, digest), (error) => error === diskFull);
    await upload(real, fs, digest);
    assert.equal(await real.hasBlob(digest), true);
  });
});
