/**
 * Inspecting a local image (libimage's `Image.Inspect`): the `ImageData` Podman prints.
 *
 * @module
 */
import type { ImageRecord } from "../store/types.ts";
import type { RuntimeContext } from "./context.ts";
import type { ContainerConfig, HealthConfig, HistoryEntry, ImageConfig } from "../types/mod.ts";
import { ImageView, type StoredManifest } from "./_image_view.ts";
import { withLayerSizes } from "./_layer_sizes.ts";
import { repoDigests, repoTags } from "./_names.ts";
import { createdOf } from "./filters/compile_filters.ts";

const DOCKER_V2S2 = "application/vnd.docker.distribution.manifest.v2+json";

/** Options of {@linkcode inspect}. */
export interface InspectOptions {
  /** Fill `Size` and `VirtualSize` (otherwise -1). @default false */
  withSize?: boolean;
  /** Fill `Parent` (builds the layer tree). @default false */
  withParent?: boolean;
}

/** What `inspect` reports (libimage's `ImageData`). */
export interface ImageData {
  /** The image ID. */
  Id: string;
  /** The digest of its manifest. */
  Digest: string;
  /** Its tagged names. */
  RepoTags: string[];
  /** `repository@digest` of every name and digest. */
  RepoDigests: string[];
  /** The parent's ID (only `withParent`), else "". */
  Parent: string;
  /** The comment (OCI: the first history entry's). */
  Comment: string;
  /** When it was created, RFC 3339. */
  Created: string;
  /** The execution config. */
  Config: ContainerConfig;
  /** The Docker version that built it. */
  Version: string;
  /** The author. */
  Author: string;
  /** The architecture. */
  Architecture: string;
  /** The OS. */
  Os: string;
  /** The size (only `withSize`), else -1. */
  Size: number;
  /** The same as `Size`. */
  VirtualSize: number;
  /** The layers. */
  RootFS: {
    /** Always "layers". */
    Type: string;
    /** The diff IDs, base first. */
    Layers: string[];
  } | null;
  /** The config labels. */
  Labels: Record<string, string> | null;
  /** The OCI manifest annotations (never null). */
  Annotations: Record<string, string>;
  /** The manifest's media type. */
  ManifestType: string;
  /** The user containers run as. */
  User: string;
  /** The build history, oldest first. */
  History: HistoryEntry[];
  /** Every name it ever had, most recent first. */
  NamesHistory: string[];
  /** The health check (Docker schema 2 images only). */
  Healthcheck?: HealthConfig;
  /**
   * The signatures the signature policy verified when the image was copied in, most
   * recent first; absent when none were (stevedore's own field: podman has none).
   */
  Signatures?: InspectSignature[];
}

/** One verified signature of {@linkcode ImageData.Signatures}. */
export interface InspectSignature {
  /** The policy requirement it satisfied: `signedBy` or `sigstoreSigned`. */
  Requirement: string;
  /** The key's fingerprint (OpenPGP fingerprint, or `sha256:` of a sigstore public key). */
  KeyFingerprint: string;
  /** The OpenPGP key's first user ID, if any. */
  KeyIdentity?: string;
  /** The identity the signature claims. */
  SignedIdentity: string;
  /** Where the signature was read (lookaside URL, or sigstore attachment). */
  Location: string;
  /** The transport-qualified source that was checked. */
  Source: string;
  /** The source manifest digest that was checked. */
  ManifestDigest: string;
  /** The policy scope whose requirements applied. */
  PolicyScope: string;
  /** When it was verified, RFC 3339. */
  VerifiedAt: string;
}

/** The rows of `ImageData.Signatures` for `record`. */
function signaturesOf(record: ImageRecord): InspectSignature[] {
  return (record.verifications ?? []).flatMap((v) =>
    v.signatures.map((s) => ({
      Requirement: s.requirement,
      KeyFingerprint: s.keyFingerprint,
      ...(s.keyIdentity === undefined ? {} : { KeyIdentity: s.keyIdentity }),
      SignedIdentity: s.signedIdentity,
      Location: s.location,
      Source: v.source,
      ManifestDigest: v.manifestDigest,
      PolicyScope: v.scope,
      VerifiedAt: v.verifiedAt,
    }))
  );
}

type StaticPart = Omit<
  ImageData,
  "RepoTags" | "RepoDigests" | "Parent" | "Size" | "VirtualSize" | "NamesHistory" | "Digest"
>;

const CACHE_SIZE = 64;
const cache = new Map<string, StaticPart>();

function remember(key: string, value: StaticPart): void {
  cache.delete(key);
  cache.set(key, value);
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
}

function staticPart(
  record: ImageRecord,
  config: ImageConfig | undefined,
  manifest: StoredManifest,
): StaticPart {
  const history = config?.history ?? [];
  const isOci = manifest.mediaType !== DOCKER_V2S2 && manifest.kind !== "schema1";
  const comment = isOci ? (history[0]?.comment ?? "") : (config?.comment ?? "");
  const annotations = manifest.kind === "image"
    ? manifest.manifest.annotations
    : manifest.kind === "index"
    ? manifest.index.annotations
    : undefined;
  const part: StaticPart = {
    Id: record.id,
    Comment: comment,
    Created: new Date(createdOf(record)).toISOString(),
    Config: { ...(config?.config ?? {}) },
    Version: config?.docker_version ?? "",
    Author: config?.author ?? "",
    Architecture: config?.architecture ?? "",
    Os: config?.os ?? "",
    RootFS: config
      ? { Type: config.rootfs.type, Layers: [...(config.rootfs.diff_ids ?? [])] }
      : null,
    Labels: config?.config?.Labels ? { ...config.config.Labels } : null,
    Annotations: { ...(annotations ?? {}) },
    ManifestType: record.manifestMediaType,
    User: config?.config?.User ?? "",
    History: history.map((h) => ({ ...h })),
  };
  if (manifest.mediaType === DOCKER_V2S2 && config) {
    const health = config.config?.Healthcheck ?? config.container_config?.Healthcheck;
    if (health) part.Healthcheck = structuredClone(health);
  }
  return part;
}

/**
 * Inspects the image `name` resolves to.
 *
 * @throws {ImageNotFoundError} when nothing matches.
 * @throws {InvalidManifestError} or a file-system error when its config or manifest
 * cannot be read.
 * @example
 * ```ts ignore
 * const data = await inspect(ctx, "alpine", { withSize: true });
 * console.log(data.Architecture, data.Size);
 * ```
 */
export async function inspect(
  ctx: RuntimeContext,
  name: string,
  options: InspectOptions = {},
): Promise<ImageData> {
  const { image } = await ctx.lookup(name);
  return await inspectRecord(ctx, image, options);
}

/** Inspects an image record already looked up. */
export async function inspectRecord(
  ctx: RuntimeContext,
  record: ImageRecord,
  options: InspectOptions = {},
  view: ImageView = new ImageView(ctx, [record]),
): Promise<ImageData> {
  const key = `${record.id}@${record.manifestDigest}`;
  let part = cache.get(key);
  if (part) remember(key, part);
  else {
    part = staticPart(record, await view.config(record), await view.manifest(record));
    remember(key, part);
  }
  let parent = "";
  if (options.withParent) {
    const full = await ImageView.load(ctx);
    const current = full.byId.get(record.id) ?? record;
    parent = (await (await full.tree()).parent(current))?.id ?? "";
  }
  const size = options.withSize ? (await withLayerSizes(ctx, record)).size : -1;
  const signatures = signaturesOf(record);
  return {
    ...structuredClone(part),
    Digest: record.digests[0] ?? record.manifestDigest,
    RepoTags: repoTags(record.names),
    RepoDigests: repoDigests(record),
    Parent: parent,
    Size: size,
    VirtualSize: size,
    NamesHistory: [...record.namesHistory],
    ...(signatures.length === 0 ? {} : { Signatures: signatures }),
  };
}
