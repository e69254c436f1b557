// Pulls of many blobs leave no abort listeners behind: every request and every blob
// attempt hangs its listeners on a signal of its own, so a long-lived signal (the caller's,
// or the copy's) never gathers enough of them for Node's MaxListenersExceededWarning.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { RegistryClient } from "../../src/registry/mod.ts";
import { createDockerTransport } from "../../src/transports/docker/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { type RandomImage, randomImage } from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";

/** Node warns when one signal holds more abort listeners than this. */
const NODE_MAX_LISTENERS = 10;
const REPO = "many/blobs";
const fs = new NodeFileSystem();

type Listener = EventListenerOrEventListenerObject;

/** What {@linkcode trackListeners} reports. */
interface ListenerTracker {
  /** The most listeners one signal held at once. */
  readonly max: number;
  /** The live listeners of `signal`. */
  count(signal: AbortSignal): number;
  /** Stops tracking. */
  uninstall(): void;
}

/** Counts the live `abort` listeners of every signal until uninstalled. */
function trackListeners(): ListenerTracker {
  const live = new Map<AbortSignal, Set<Listener>>();
  let max = 0;
  const add = AbortSignal.prototype.addEventListener;
  const remove = AbortSignal.prototype.removeEventListener;
  AbortSignal.prototype.addEventListener = function (
    this: AbortSignal,
    type: string,
    listener: Listener,
    options?: boolean | AddEventListenerOptions,
  ) {
    if (type === "abort") {
      let set = live.get(this);
      if (set === undefined) live.set(this, set = new Set());
      set.add(listener);
      // A `once` listener leaves when the signal aborts.
      if (typeof options === "object" && options.once) {
        add.call(this, "abort", () => set!.delete(listener), { once: true });
      }
      max = Math.max(max, set.size);
    }
    return add.call(this, type, listener, options);
  };
  AbortSignal.prototype.removeEventListener = function (
    this: AbortSignal,
    type: string,
    listener: Listener,
    options?: boolean | EventListenerOptions,
  ) {
    if (type === "abort") live.get(this)?.delete(listener);
    return remove.call(this, type, listener, options);
  };
  return {
    get max() {
      return max;
    },
    count: (signal) => live.get(signal)?.size ?? 0,
    uninstall() {
      AbortSignal.prototype.addEventListener = add;
      AbortSignal.prototype.removeEventListener = remove;
    },
  };
}

let registry: RegistryServer;
let image: RandomImage;
let work: string;

before(async () => {
  registry = await startRegistry();
  work = await mkdtemp(join(tmpdir(), "stevedore-listeners-"));
  image = randomImage({ layers: 24, layerSize: 512 });
  const memory = memoryTransport();
  memory.store.add("app", image);
  await copyBetween(memory.parse("app"), `docker://${registry.registry}/${REPO}:v1`, {
    context: { fs, tlsVerify: false },
  });
});

after(async () => {
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function drain(stream: ReadableStream<Uint8Array>): Promise<number> {
  let total = 0;
  for await (const chunk of stream) total += chunk.byteLength;
  return total;
}

describe("abort listeners during pulls", () => {
  it("a client's long-lived signal keeps no listener after its requests end", async () => {
    const caller = new AbortController();
    const tracker = trackListeners();
    try {
      const client = new RegistryClient({
        registry: registry.registry,
        insecure: true,
        signal: caller.signal,
      });
      await client.getManifest(REPO, "v1");
      for (const [digest, bytes] of image.blobs) {
        assert.equal(await drain(await client.getBlob(REPO, digest)), bytes.byteLength);
        assert.equal(await client.headBlob(REPO, digest), bytes.byteLength);
      }
      assert.equal(tracker.count(caller.signal), 0);
      assert.ok(tracker.max < NODE_MAX_LISTENERS, `one signal held ${tracker.max} listeners`);
    } finally {
      tracker.uninstall();
    }
  });

  for (const concurrency of [undefined, 16]) {
    it(
      `a copy of many blobs never gathers listeners on one signal (concurrency ${
        concurrency ?? "default"
      })`,
      async () => {
        const caller = new AbortController();
        const tracker = trackListeners();
        try {
          const transport = createDockerTransport();
          const dir = join(work, `layout-${concurrency}`);
          await copyBetween(transport.parse(`//${registry.registry}/${REPO}:v1`), `oci:${dir}:v1`, {
            context: { fs, tlsVerify: false, signal: caller.signal },
            signal: caller.signal,
            concurrency,
          });
          assert.equal(tracker.count(caller.signal), 0);
          assert.ok(tracker.max < NODE_MAX_LISTENERS, `one signal held ${tracker.max} listeners`);
        } finally {
          tracker.uninstall();
        }
      },
    );
  }
});
