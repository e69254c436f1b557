/**
 * The checks a lookup applies to each image it finds: manifest lists resolve to the local
 * instance for the platform, and a platform mismatch rejects the candidate when a custom
 * platform was asked for.
 *
 * @module
 */
import { ImageNotFoundError } from "../errors.ts";
import { parseIndex } from "../manifest/mod.ts";
import {
  chooseInstance,
  completePlatform,
  formatPlatform,
  type PlatformChoice,
  platformMatches,
} from "../platform/mod.ts";
import type { Reference } from "../reference/mod.ts";
import { isIdPrefixLike } from "../reference/mod.ts";
import type { LookupOptions, LookupResult } from "./types.ts";
import { wrappedImage } from "../store/image_manifests.ts";
import type { ImageRecord, ImageStore } from "../store/types.ts";
import type { Platform } from "../types/mod.ts";

/** What every candidate check of one lookup shares. */
export interface CandidateContext {
  store: ImageStore;
  /** The input, for error messages. */
  input: string;
  options: LookupOptions;
  /** The normalized platform parts asked for (options first, then the runtime's). */
  choice: PlatformChoice;
  /** Whether any of `choice` is set. */
  custom: boolean;
  /** The platform that completes `choice`. */
  platform: Platform;
  warn: (message: string) => void;
}

/** A record found under a storage key, and whether the key was its ID or an ID prefix. */
export interface KeyHit {
  record: ImageRecord;
  byId: boolean;
}

/** c/storage's `Image(key)`: an exact ID, then a full name, then a unique ID prefix. */
export async function imageByKey(store: ImageStore, key: string): Promise<KeyHit | undefined> {
  const byId = await store.imageById(key);
  if (byId) return { record: byId, byId: true };
  const byName = await store.imageByName(key);
  if (byName) return { record: byName, byId: false };
  if (isIdPrefixLike(key)) {
    const matches = await store.imagesByIdPrefix(key);
    if (matches.length === 1) return { record: matches[0], byId: true };
  }
  return undefined;
}

/** The repository (`domain/path`) of a stored full name, or undefined when it does not split. */
export function repositoryOf(name: string): string | undefined {
  const at = name.indexOf("@");
  const base = at === -1 ? name : name.slice(0, at);
  const slash = base.lastIndexOf("/");
  const colon = base.lastIndexOf(":");
  return colon > slash ? base.slice(0, colon) : base;
}

/**
 * The image stored under a named candidate: by its full name, or (for `repo@digest`) any
 * image of that repository carrying the digest, as containers/image resolves it.
 */
export async function imageByReference(
  store: ImageStore,
  ref: Reference,
): Promise<{ record: ImageRecord; byDigest: boolean } | undefined> {
  const named = ref.tagNameOnly();
  const direct = await store.imageByName(named.toString());
  if (direct) return { record: direct, byDigest: false };
  if (named.digest === undefined) return undefined;
  for (const record of await store.imagesByDigest(named.digest)) {
    if (record.names.some((name) => repositoryOf(name) === named.name)) {
      return { record, byDigest: true };
    }
  }
  return undefined;
}

/** The instance of list `list` for the asked platform, if it is stored locally. */
async function localInstance(
  ctx: CandidateContext,
  list: ImageRecord,
): Promise<ImageRecord | undefined | "unreadable"> {
  let bytes: Uint8Array;
  try {
    bytes = await ctx.store.readBlobBytes(list.manifestDigest);
  } catch {
    return "unreadable";
  }
  const index = parseIndex(bytes, { what: list.manifestDigest }).index;
  // libimage applies the variant only together with an architecture.
  const want = completePlatform(
    {
      os: ctx.choice.os,
      architecture: ctx.choice.architecture,
      variant: ctx.choice.architecture ? ctx.choice.variant : undefined,
    },
    ctx.platform,
  );
  const entry = chooseInstance(index, want);
  if (entry === undefined) return undefined;
  const holders = await ctx.store.imagesByDigest(entry.digest);
  return holders.find((record) => record.id !== list.id && !record.isManifestList) ??
    wrappedImage(list, entry.digest);
}

/**
 * Applies the per-candidate rules to `record`, found under `candidate`: resolves a list
 * to its local instance (or keeps the list with `manifestList`, or as a removal
 * fallback), skips platform checks for ID hits, and rejects (returns `undefined`) an image
 * whose platform differs from an explicitly asked one.
 */
export async function checkCandidate(
  ctx: CandidateContext,
  record: ImageRecord,
  candidate: string,
  found: Omit<LookupResult, "image">,
): Promise<LookupResult | undefined> {
  let image = record;
  if (record.isManifestList && !ctx.options.manifestList) {
    const instance = await localInstance(ctx, record);
    if (instance === "unreadable") return { ...found, image: record };
    if (instance === undefined) {
      if (ctx.options.forRemoval) return { ...found, image: record };
      throw new ImageNotFoundError(ctx.input, {
        cause: new Error(
          `could not find the image instance of manifest list ${record.id} for the platform in local storage`,
        ),
      });
    }
    image = instance;
  }
  if (record.isManifestList && ctx.options.manifestList) return { ...found, image };
  if (image.id.startsWith(candidate)) return { ...found, image };
  if (!ctx.custom && ctx.options.platformPolicy !== "warn") return { ...found, image };
  if (image.platform === undefined) return { ...found, image };
  const want = completePlatform(ctx.choice, ctx.platform);
  if (platformMatches(want, image.platform)) return { ...found, image };
  if (ctx.custom) return undefined;
  ctx.warn(
    `image platform (${formatPlatform(image.platform)}) does not match the expected platform (${
      formatPlatform(want)
    })`,
  );
  return { ...found, image };
}
