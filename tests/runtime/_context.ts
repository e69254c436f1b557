/**
 * A runtime context for tests: a store over a MemoryFileSystem, the real lookup with an
 * empty registries.conf, an event channel whose events are collected, settable containers
 * and a fixed clock.
 *
 * @module
 */
import { MemoryFileSystem } from "../../src/fs/mod.ts";
import { openStore } from "../../src/store/mod.ts";
import type { ImageStore } from "../../src/store/mod.ts";
import { lookupImage } from "../../src/lookup/mod.ts";
import { emptyRegistriesConf } from "../../src/config/mod.ts";
import { EventChannel, type ImageEvent } from "../../src/events/mod.ts";
import type { ContainerInfo } from "../../src/lookup/types.ts";
import type { RuntimeContext } from "../../src/runtime/context.ts";

/** A test context and its knobs. */
export interface TestContext {
  /** The context. */
  ctx: RuntimeContext;
  /** The store. */
  store: ImageStore;
  /** Containers the `listContainers` hook reports (mutable). */
  containers: ContainerInfo[];
  /** Container IDs passed to `removeContainer`. */
  removedContainers: string[];
  /** Warnings received. */
  warnings: string[];
  /** Events written so far (drained from a subscription). */
  events(): Promise<ImageEvent[]>;
}

/** Builds a test context; `now` defaults to 2025-01-01T00:00:00Z. */
export async function makeContext(options: { now?: Date } = {}): Promise<TestContext> {
  const fs = new MemoryFileSystem();
  const store = await openStore({ root: "/store", fs });
  // Events are collected as they are written (operations await their writes), so a test
  // reads them right after the operation without waiting for a delivery.
  const collected: ImageEvent[] = [];
  const channel = new class extends EventChannel {
    override write(event: ImageEvent): Promise<void> {
      collected.push(event);
      return super.write(event);
    }
  }();
  const containers: ContainerInfo[] = [];
  const removedContainers: string[] = [];
  const warnings: string[] = [];
  const conf = emptyRegistriesConf();
  const now = options.now ?? new Date("2025-01-01T00:00:00Z");
  const ctx: RuntimeContext = {
    store,
    fs,
    lookup: (name, lookupOptions) =>
      lookupImage(store, conf, name, lookupOptions, {
        platform: { os: "linux", architecture: "amd64" },
        warn: () => {},
      }),
    events: channel,
    platform: { os: "linux", architecture: "amd64" },
    now: () => now,
    listContainers: () => Promise.resolve(containers.map((c) => ({ ...c }))),
    removeContainer: (id) => {
      removedContainers.push(id);
      const index = containers.findIndex((c) => c.id === id);
      if (index >= 0) containers.splice(index, 1);
      return Promise.resolve();
    },
    warn: (message) => warnings.push(message),
  };
  return {
    ctx,
    store,
    containers,
    removedContainers,
    warnings,
    events() {
      return Promise.resolve(collected.splice(0));
    },
  };
}
