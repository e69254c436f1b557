/**
 * Editing manifest lists and indexes: pure functions that return a new index.
 *
 * @module
 */
import { ManifestUnknownError } from "../errors.ts";
import {
  type Descriptor,
  type ImageIndex,
  type IndexMediaType,
  MediaType,
  type Platform,
} from "../types/mod.ts";
import { checkAnnotations, checkDescriptor } from "./_checks.ts";

/**
 * A new, empty index of the given type.
 *
 * @example
 * ```ts
 * import { createIndex } from "./index_edit.ts";
 * createIndex(); // { schemaVersion: 2, mediaType: "application/vnd.docker.distribution.manifest.list.v2+json", manifests: [] }
 * ```
 */
export function createIndex(mediaType: IndexMediaType = MediaType.DockerManifestList): ImageIndex {
  return { schemaVersion: 2, mediaType, manifests: [] };
}

/** The entry of `index` with `digest`, if any. */
export function findInstance(index: ImageIndex, digest: string): Descriptor | undefined {
  return index.manifests.find((d) => d.digest === digest);
}

function copy(index: ImageIndex): ImageIndex {
  return structuredClone(index);
}

function positionOf(index: ImageIndex, digest: string): number {
  const i = index.manifests.findIndex((d) => d.digest === digest);
  if (i === -1) throw new ManifestUnknownError(digest);
  return i;
}

/**
 * Adds `instance` to the index; an entry with the same digest is replaced in place.
 *
 * @throws {InvalidManifestError} when `instance` is not a well-formed descriptor.
 */
export function addInstance(index: ImageIndex, instance: Descriptor): ImageIndex {
  checkDescriptor("instance", "descriptor", instance);
  const out = copy(index);
  const entry = structuredClone(instance);
  const i = out.manifests.findIndex((d) => d.digest === instance.digest);
  if (i === -1) out.manifests.push(entry);
  else out.manifests[i] = entry;
  return out;
}

/**
 * Removes the entry with `digest` from the index.
 *
 * @throws {ManifestUnknownError} when the index has no such entry.
 */
export function removeInstance(index: ImageIndex, digest: string): ImageIndex {
  const i = positionOf(index, digest);
  const out = copy(index);
  out.manifests.splice(i, 1);
  return out;
}

/** Changes to one entry of an index; an empty string removes an optional field. */
export interface InstanceChanges {
  /** Annotations to set (merged over the existing ones). */
  annotations?: Record<string, string>;
  /** Annotation keys to remove. */
  removeAnnotations?: string[];
  /** The operating system. */
  os?: string;
  /** The architecture. */
  architecture?: string;
  /** The variant. */
  variant?: string;
  /** The operating system version. */
  osVersion?: string;
  /** The operating system features; an empty array removes them. */
  osFeatures?: string[];
  /** The CPU features; an empty array removes them. */
  features?: string[];
  /** The artifact type. */
  artifactType?: string;
  /** The download URLs; an empty array removes them. */
  urls?: string[];
}

function setOptional<T extends object, K extends keyof T>(
  target: T,
  key: K,
  value: T[K] | undefined,
): void {
  if (value === undefined) return;
  const empty = value === "" || (Array.isArray(value) && value.length === 0);
  if (empty) delete target[key];
  else target[key] = structuredClone(value);
}

/**
 * Changes the annotations, platform fields, artifact type or URLs of the entry with
 * `digest` (podman's `manifest annotate`).
 *
 * @throws {ManifestUnknownError} when the index has no such entry.
 * @example
 * ```ts
 * import { addInstance, annotateInstance, createIndex } from "./index_edit.ts";
 * const digest = "sha256:" + "a".repeat(64);
 * let index = addInstance(createIndex(), { mediaType: "application/vnd.oci.image.manifest.v1+json", digest, size: 1 });
 * index = annotateInstance(index, digest, { os: "linux", architecture: "arm64", variant: "v8" });
 * ```
 */
export function annotateInstance(
  index: ImageIndex,
  digest: string,
  changes: InstanceChanges,
): ImageIndex {
  checkAnnotations("instance", "annotations", changes.annotations);
  const i = positionOf(index, digest);
  const out = copy(index);
  const entry = out.manifests[i];
  if (changes.annotations !== undefined || changes.removeAnnotations !== undefined) {
    const annotations = { ...entry.annotations, ...changes.annotations };
    for (const key of changes.removeAnnotations ?? []) delete annotations[key];
    if (Object.keys(annotations).length === 0) delete entry.annotations;
    else entry.annotations = annotations;
  }
  const platformChanged = [
    changes.os,
    changes.architecture,
    changes.variant,
    changes.osVersion,
    changes.osFeatures,
    changes.features,
  ].some((v) => v !== undefined);
  if (platformChanged) {
    const platform: Platform = entry.platform ?? { architecture: "", os: "" };
    if (changes.os !== undefined) platform.os = changes.os;
    if (changes.architecture !== undefined) platform.architecture = changes.architecture;
    setOptional(platform, "variant", changes.variant);
    setOptional(platform, "os.version", changes.osVersion);
    setOptional(platform, "os.features", changes.osFeatures);
    setOptional(platform, "features", changes.features);
    entry.platform = platform;
  }
  setOptional(entry, "artifactType", changes.artifactType);
  setOptional(entry, "urls", changes.urls);
  return out;
}

/** Options of {@linkcode setIndexAnnotations}. */
export interface SetAnnotationsOptions {
  /** Replace all annotations instead of merging into them. @default false */
  replace?: boolean;
}

/**
 * Sets annotations on the index itself (OCI indexes only serialize them; Docker lists
 * cannot hold them).
 */
export function setIndexAnnotations(
  index: ImageIndex,
  annotations: Record<string, string>,
  options: SetAnnotationsOptions = {},
): ImageIndex {
  checkAnnotations("index", "annotations", annotations);
  const out = copy(index);
  const merged = options.replace ? { ...annotations } : { ...out.annotations, ...annotations };
  if (Object.keys(merged).length === 0) delete out.annotations;
  else out.annotations = merged;
  return out;
}

/**
 * Sets (or with `undefined`, removes) the subject of the index (OCI indexes only).
 *
 * @throws {InvalidManifestError} when `subject` is not a well-formed descriptor.
 */
export function setIndexSubject(index: ImageIndex, subject: Descriptor | undefined): ImageIndex {
  const out = copy(index);
  if (subject === undefined) {
    delete out.subject;
    return out;
  }
  checkDescriptor("subject", "descriptor", subject);
  out.subject = structuredClone(subject);
  return out;
}

/** Sets (or with `undefined` or `""`, removes) the artifact type of the index. */
export function setIndexArtifactType(
  index: ImageIndex,
  artifactType: string | undefined,
): ImageIndex {
  const out = copy(index);
  if (!artifactType) delete out.artifactType;
  else out.artifactType = artifactType;
  return out;
}
