import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { MemoryFileSystem } from "../../src/fs/mod.ts";
import { openStore } from "../../src/store/mod.ts";
import { digestBytes } from "../../src/digest/mod.ts";

function blob(text: string): { digest: string; bytes: Uint8Array; stream: () => ReadableStream } {
  const bytes = new TextEncoder().encode(text);
  return {
    digest: digestBytes(bytes).toString(),
    bytes,
    stream: () => new Blob([bytes]).stream(),
  };
}

describe("blob leases", () => {
  it("keep an uncommitted blob through gc until released", async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore({ root: "/store", fs });
    const leased = blob("leased layer");
    const loose = blob("loose layer");
    const lease = store.leaseBlobs();
    await lease.add(leased.digest);
    await store.putBlob(leased.digest, leased.bytes.length, leased.stream());
    await store.putBlob(loose.digest, loose.bytes.length, loose.stream());
    assert.deepEqual(await store.gc(), [loose.digest]);
    assert.equal(await store.hasBlob(leased.digest), true);
    await lease.release();
    assert.deepEqual(await store.gc(), [leased.digest]);
  });

  it("of a process that died are removed and protect nothing", async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore({ root: "/store", fs });
    const orphan = blob("orphan layer");
    await store.putBlob(orphan.digest, orphan.bytes.length, orphan.stream());
    const dead = spawnSync("true").pid!;
    await fs.mkdir("/store/leases", { recursive: true });
    await fs.writeFile(`/store/leases/${dead}-x.json`, JSON.stringify([orphan.digest]));
    assert.deepEqual(await store.gc(), [orphan.digest]);
    assert.deepEqual(await fs.readDir("/store/leases"), []);
  });
});
