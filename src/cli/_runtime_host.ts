/**
 * What the command line needs once a command opens the runtime: the runtime over the host's
 * disk, and the event log its operations leave. Loaded (see `_modules.ts`) when a command
 * first opens the runtime: `version` and `--help` load neither the runtime nor the store.
 *
 * @module
 */
import type { ImageEvent } from "../events/mod.ts";
import { hostFileSystem } from "../fs/host_file_system.ts";
import { openRuntime, type Runtime, type RuntimeOptions } from "../runtime/runtime.ts";
import { writeEvents } from "./_event_file.ts";

/** Opens the runtime with `options` over the host's file system (see `hostFileSystem`). */
export function openHostRuntime(options: RuntimeOptions): Promise<Runtime> {
  return openRuntime({ fs: hostFileSystem(), ...options });
}

/** Appends `events` to the event log of the store at `root`. */
export async function logEvents(root: string, events: ImageEvent[]): Promise<void> {
  await writeEvents(hostFileSystem(), root, events);
}
