/**
 * Local image lookup with libimage's rules (`LookupImage`): IDs and ID prefixes, short
 * names through aliases, `localhost/` and the unqualified-search registries, a fuzzy scan
 * over repository tags, digests, manifest lists and platform checks.
 *
 * @module
 */
import { ImageNotFoundError, UnsupportedTransportError } from "../errors.ts";
import { type RegistriesConf, resolveLocally } from "../config/mod.ts";
import { defaultPlatform, normalizePlatformChoice, type PlatformChoice } from "../platform/mod.ts";
import {
  isFullIdentifier,
  isShortName,
  parseImageId,
  parseNormalizedName,
  parseReference,
  type Reference,
  stripTagIfDigested,
} from "../reference/mod.ts";
import type { LookupOptions, LookupResult } from "./types.ts";
import type { ImageStore } from "../store/types.ts";
import { CONTAINERS_STORAGE_TRANSPORT } from "../transports/containers_storage/reference.ts";
import { standardTransports, type TransportTable } from "../transports/transport_table.ts";
import type { Platform } from "../types/mod.ts";
import {
  type CandidateContext,
  checkCandidate,
  imageByKey,
  imageByReference,
} from "./_candidate.ts";

/** The only transport a local lookup accepts. */
export { CONTAINERS_STORAGE_TRANSPORT };

/** What a lookup falls back on when its options leave something open. */
export interface LookupDefaults {
  /**
   * The platform that completes a partial request and picks a manifest list's instance.
   * @default defaultPlatform()
   */
  platform?: Platform;
  /**
   * Platform parts the runtime was configured with explicitly; they fill empty options and
   * count as a custom platform (libimage's SystemContext choices). @default none
   */
  platformChoice?: PlatformChoice;
  /** Receives the mismatch warning under `platformPolicy: "warn"`. @default console.warn */
  warn?: (message: string) => void;
  /**
   * The transports whose prefixes a lookup recognizes (and rejects: only
   * `containers-storage:` names a local image). @default standardTransports()
   */
  transports?: TransportTable;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** `containers-storage:[name][@id]`: the image by ID or by its full name. */
async function lookupInStorage(store: ImageStore, input: string, rest: string) {
  let record;
  const at = rest.lastIndexOf("@");
  const id = at !== -1 && HEX64.test(rest.slice(at + 1)) ? rest.slice(at + 1) : undefined;
  if (id !== undefined) {
    record = await store.imageById(id);
  } else if (rest !== "") {
    const hit = await imageByReference(store, parseNormalizedName(rest));
    record = hit?.record;
  }
  if (record === undefined) throw new ImageNotFoundError(input);
  return { image: record, resolvedName: "", byId: id !== undefined, byDigest: false };
}

/** Rejects a transport other than `containers-storage`; returns what follows it, if given. */
function storageRest(name: string, transports: TransportTable): string | undefined {
  const colon = name.indexOf(":");
  if (colon <= 0) return undefined;
  const prefix = name.slice(0, colon);
  if (prefix === CONTAINERS_STORAGE_TRANSPORT) return name.slice(colon + 1);
  if (!transports.isQualified(name)) return undefined;
  throw new UnsupportedTransportError(
    name,
    `unsupported transport "${prefix}" for looking up local images`,
  );
}

/**
 * Finds a local image by name, ID, ID prefix or digest, following libimage's rules:
 * 1. a transport prefix must be `containers-storage:`;
 * 2. a tag next to a digest is dropped;
 * 3. `sha256:<id>` and bare 64-hex inputs match image IDs only;
 * 4. short names try their alias, `localhost/<name>`, each unqualified-search registry and
 *    the docker.io normalization, in order;
 * 5. then the raw input as an ID, a unique ID prefix or a full name;
 * 6. then, for short names, any image whose repository ends in `/<name>` with the same tag
 *    (`:latest` implied; a digest must be among the image's digests).
 * A manifest list resolves to its locally stored instance for the platform; with an
 * explicit os/architecture/variant, an image of another platform is skipped. Corrupted
 * images are still returned.
 *
 * @example
 * ```ts ignore
 * const { image, resolvedName } = await lookupImage(store, conf, "alpine", {}, {});
 * ```
 *
 * @throws {ImageNotFoundError} when nothing matches (`"<name>: image not known"`).
 * @throws {UnsupportedTransportError} for a transport other than `containers-storage`.
 * @throws {InvalidReferenceError} when the name does not parse, or `sha256:` is not
 * followed by 64 hex digits.
 */
export async function lookupImage(
  store: ImageStore,
  conf: RegistriesConf,
  name: string,
  options: LookupOptions = {},
  defaults: LookupDefaults = {},
): Promise<LookupResult> {
  const rest = storageRest(name, defaults.transports ?? standardTransports());
  if (rest !== undefined) return lookupInStorage(store, name, rest);

  const parsed = stripTagIfDigested(parseReference(name));
  const normalized = parsed.toString();
  const choice = normalizePlatformChoice({
    os: options.os || defaults.platformChoice?.os,
    architecture: options.architecture || defaults.platformChoice?.architecture,
    variant: options.variant || defaults.platformChoice?.variant,
  });
  const ctx: CandidateContext = {
    store,
    input: name,
    options,
    choice,
    custom: !!(choice.os || choice.architecture || choice.variant),
    platform: defaults.platform ?? defaultPlatform(),
    warn: defaults.warn ?? ((message) => console.warn(message)),
  };

  const id = normalized.startsWith("sha256:") ? parseImageId(normalized) : undefined;
  if (id !== undefined || isFullIdentifier(normalized)) {
    const key = id ?? normalized;
    const record = await store.imageById(key);
    const found = record &&
      await checkCandidate(ctx, record, key, { resolvedName: "", byId: true, byDigest: false });
    if (found) return found;
    throw new ImageNotFoundError(name);
  }

  for (const candidate of resolveLocally(conf, normalized)) {
    const hit = await imageByReference(store, candidate);
    if (hit === undefined) continue;
    const found = await checkCandidate(ctx, hit.record, candidate.toString(), {
      resolvedName: candidate.toString(),
      byId: false,
      byDigest: hit.byDigest,
    });
    if (found) return found;
  }

  const raw = await imageByKey(store, normalized);
  if (raw !== undefined) {
    const found = await checkCandidate(ctx, raw.record, normalized, {
      resolvedName: raw.byId ? "" : normalized,
      byId: raw.byId,
      byDigest: false,
    });
    if (found) return found;
  }

  const fuzzy = await lookupInRepoTags(ctx, parsed);
  if (fuzzy) return fuzzy;
  throw new ImageNotFoundError(name);
}

/** Step 6: a short name matched against the end of every image's repository tags. */
async function lookupInRepoTags(
  ctx: CandidateContext,
  parsed: Reference,
): Promise<LookupResult | undefined> {
  const requiredDigest = parsed.digest;
  const trimmed = requiredDigest === undefined ? parsed : parsed.withoutTagOrDigest();
  if (!isShortName(trimmed.toString())) return undefined;
  const wanted = trimmed.tagNameOnly();
  const repo = wanted.name;
  const suffix = `/${repo}:${wanted.tag}`;
  const records = ctx.store.imagesWithNameSuffix
    ? await ctx.store.imagesWithNameSuffix(suffix)
    : await ctx.store.images();
  for (const record of records) {
    for (const stored of record.names) {
      // Cheap pre-filter: a full stored name always has a domain before the repository.
      if (!stored.endsWith(suffix)) continue;
      let named: Reference;
      try {
        named = parseNormalizedName(stored);
      } catch {
        continue;
      }
      if (named.tag !== wanted.tag || named.digest !== undefined) continue;
      if (named.name !== repo && !named.name.endsWith(`/${repo}`)) continue;
      const found = await checkCandidate(ctx, record, stored, {
        resolvedName: stored,
        byId: false,
        byDigest: false,
      });
      if (found === undefined) continue;
      if (requiredDigest === undefined) return found;
      if (!found.image.digests.includes(requiredDigest)) continue;
      return { ...found, resolvedName: `${named.name}@${requiredDigest}`, byDigest: true };
    }
  }
  return undefined;
}
