/**
 * The types of a local lookup: what is asked ({@linkcode LookupOptions}), what is found
 * ({@linkcode LookupResult}) and the containers that may hold an image
 * ({@linkcode ContainerInfo}).
 *
 * @module
 */
import type { ImageRecord } from "../store/types.ts";

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
