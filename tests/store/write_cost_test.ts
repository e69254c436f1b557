// What writing an image into the store costs in file-system work: the store lock is taken
// to commit, not once per missing blob; an image's blobs are leased in one write before the
// copy looks them up; lease writes are shared by the digests added while one runs, and an
// add resolves only once the lease file names its digest; a stream that
// checks itself is trusted only as far as it checks (a failing one leaves nothing behind).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyBetween } from "../../src/copy/mod.ts";
import { digestBytes, digestVerifier } from "../../src/digest/mod.ts";
import { DigestMismatchError } from "../../src/errors.ts";
import { MemoryFileSystem } from "../../src/fs/mod.ts";
import { openStore } from "../../src/store/mod.ts";
import { containersStorageTransport } from "../../src/transports/containers_storage/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { randomImage } from "../helpers/random_image.ts";

/** A memory file system that counts calls and can hold renames into `leases/`. */
class CountingFs extends MemoryFileSystem {
  readonly calls: string[] = [];
  gate: Promise<void> | undefined;

  override mkdir(path: string, options?: { recursive?: boolean; mode?: number }) {
    this.calls.push(`mkdir ${path}`);
    return super.mkdir(path, options);
  }

  override async rename(from: string, to: string) {
    this.calls.push(`rename ${to}`);
    if (to.includes("/leases/")) await this.gate;
    return await super.rename(from, to);
  }
}

const encoder = new TextEncoder();
const blob = (text: string) => digestBytes(encoder.encode(text)).toString();
/** Lets every pending promise job and the next macrotask run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("store write cost", () => {
  it("copying into an empty store takes the lock only to commit", async () => {
    const fs = new CountingFs();
    const store = await openStore({ root: "/store", fs });
    const source = memoryTransport();
    source.store.add("img", randomImage({ layers: 4 }));
    fs.calls.length = 0;
    await copyBetween(
      source.parse("img"),
      containersStorageTransport(store).parse("example.com/app:1"),
      { context: { fs } },
    );
    assert.equal(fs.calls.filter((call) => call === "mkdir /store/lock").length, 1);
    assert.equal((await store.imageByName("example.com/app:1"))?.layers.length, 4);
  });

  it("leases an image's config and layers in one write, layers copied one at a time", async () => {
    const fs = new CountingFs();
    const store = await openStore({ root: "/store", fs });
    const source = memoryTransport();
    const image = randomImage({ layers: 5 });
    source.store.add("img", image);
    fs.calls.length = 0;
    let leased: Promise<string[]> | undefined;
    const readLease = async () => {
      const [name] = await fs.readDir("/store/leases");
      return JSON.parse(await fs.readTextFile(`/store/leases/${name}`)) as string[];
    };
    const destination = containersStorageTransport(store).parse("example.com/app:1");
    await copyBetween(source.parse("img"), destination, {
      context: { fs },
      concurrency: 1,
      onProgress: (event) => {
        // When the first blob starts, the lease names all of them already.
        if (event.kind === "blob-start") leased ??= readLease().catch(() => []);
      },
    });
    // One write for the blobs, one for the manifest (known only at the end).
    const writes = fs.calls.filter((call) => call.startsWith("rename /store/leases/"));
    assert.equal(writes.length, 2);
    assert.deepEqual(
      new Set(await leased),
      new Set([image.config.digest, ...image.layers.map((layer) => layer.digest)]),
    );
  });

  it("a lease add resolves once the lease file names the digest, also the second time", async () => {
    const fs = new CountingFs();
    const store = await openStore({ root: "/store", fs });
    const lease = store.leaseBlobs();
    let open!: () => void;
    fs.gate = new Promise((resolve) => open = resolve);
    const done: string[] = [];
    const first = lease.add(blob("a")).then(() => done.push("first"));
    const again = lease.add(blob("a")).then(() => done.push("again"));
    await settle();
    assert.deepEqual(done, [], "resolved before the lease file was written");
    open();
    await Promise.all([first, again]);
    const [name] = await fs.readDir("/store/leases");
    assert.deepEqual(JSON.parse(await fs.readTextFile(`/store/leases/${name}`)), [blob("a")]);
    await lease.release();
    assert.deepEqual(await fs.readDir("/store/leases"), []);
  });

  it("digests added while a lease write runs share the next write", async () => {
    const fs = new CountingFs();
    const store = await openStore({ root: "/store", fs });
    const lease = store.leaseBlobs();
    let open!: () => void;
    fs.gate = new Promise((resolve) => open = resolve);
    const adds = [lease.add(blob("a"))];
    await settle();
    adds.push(lease.add(blob("b")), lease.add(blob("c")), lease.add(blob("d")));
    open();
    await Promise.all(adds);
    const writes = fs.calls.filter((call) => call.startsWith("rename /store/leases/"));
    assert.equal(writes.length, 2);
    const [name] = await fs.readDir("/store/leases");
    const named = JSON.parse(await fs.readTextFile(`/store/leases/${name}`));
    assert.deepEqual(named.sort(), [blob("a"), blob("b"), blob("c"), blob("d")].sort());
    await lease.release();
  });

  it("a self-checking stream that fails its check leaves nothing behind", async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore({ root: "/store", fs });
    const claimed = blob("what was announced");
    const bytes = encoder.encode("what arrived instead");
    const checked = new Blob([bytes]).stream().pipeThrough(digestVerifier(claimed));
    await assert.rejects(
      store.putBlob(claimed, bytes.length, checked, { verified: true }),
      DigestMismatchError,
    );
    assert.equal(await store.hasBlob(claimed), false);
    assert.deepEqual(await fs.readDir("/store/tmp"), []);
  });
});
