/**
 * What the runtime's operations share: the store, the file system, the lookup function,
 * the event channel, the default platform, the clock and the hooks for containers.
 * Each operation lives in its own file as a function over this context; `Runtime` wires
 * them together.
 *
 * @module
 */
import type { FileSystem } from "../fs/mod.ts";
import type { ImageRecord, ImageStore } from "../store/types.ts";
import type { EventChannel } from "../events/mod.ts";
import type { Platform } from "../types/mod.ts";
import type { PlatformChoice } from "../platform/mod.ts";

/** A container that uses an image, as reported by the `listContainers` hook. */
export interface ContainerInfo {
  /** The container's ID. */
  id: string;
  /** The ID of the image it uses. */
  imageId: string;
  /** True when the container belongs to another tool (e.g. a Buildah working container). */
  external?: boolean;
}

/** Options of a local lookup (libimage's LookupImageOptions). */
export interface LookupOptions {
  /** Only match this architecture (normalized; a mismatch rejects the candidate). */
  architecture?: string;
  /** Only match this OS. */
  os?: string;
  /** Only match this variant. */
  variant?: string;
  /** Return a manifest list itself instead of its instance for the platform. */
  manifestList?: boolean;
  /** Inside removal: a list without a local instance resolves to the list. */
  forRemoval?: boolean;
  /** Warn (instead of a debug note) when the image's platform differs and none was set. */
  platformPolicy?: "default" | "warn";
}

/** What a lookup found. */
export interface LookupResult {
  /** The image record. */
  image: ImageRecord;
  /** The name it was found under ("" when found by ID or digest). */
  resolvedName: string;
  /** True when the input was an ID, an ID prefix or `sha256:<id>`. */
  byId: boolean;
  /** True when the input was a `name@digest` reference that matched by digest. */
  byDigest: boolean;
}

/** Everything a runtime operation needs. */
export interface RuntimeContext {
  /** The local image store. */
  store: ImageStore;
  /** The file system the store and path transports use. */
  fs: FileSystem;
  /** Resolves a name, ID or digest against the store; throws `ImageNotFoundError`. */
  lookup(name: string, options?: LookupOptions): Promise<LookupResult>;
  /** Where events go (written after each operation). */
  events: EventChannel;
  /** The platform used when none is requested. */
  platform: Platform;
  /**
   * Platform parts the runtime was configured with explicitly (not the host defaults):
   * they fill what an operation leaves open and count as a custom platform.
   */
  customPlatform?: PlatformChoice;
  /** The current time. */
  now(): Date;
  /** Lists containers that use images (for the `containers` filter and removal). */
  listContainers?: () => Promise<ContainerInfo[]>;
  /** Removes a container (forced removal of an image in use). */
  removeContainer?: (id: string) => Promise<void>;
  /** Receives warnings meant for the user. */
  warn(message: string): void;
}
