/**
 * Local manifest lists (libimage's `ManifestList`): create one, look one up, add images
 * (from registries, other transports or the store), annotate and remove instances, inspect
 * and push. Every edit takes the store lock, reloads the list, and saves the new list into
 * the same image ID.
 *
 * @module
 */
import { digestBytes } from "../digest/mod.ts";
import { ImageConflictError, ImageNotFoundError, NotAManifestListError } from "../errors.ts";
import { streamOf } from "../streams/mod.ts";
import {
  addInstance,
  annotateInstance,
  createIndex,
  type InstanceChanges,
  parseIndex,
  removeInstance,
  serializeIndex,
  setIndexAnnotations,
  setIndexSubject,
} from "../manifest/mod.ts";
import {
  chooseInstance,
  completePlatform,
  normalizePlatformChoice,
  parsePlatform,
  type PlatformChoice,
} from "../platform/mod.ts";
import { normalizeName } from "../reference/mod.ts";
import { wrappedImage } from "../store/image_manifests.ts";
import type { ImageRecord } from "../store/types.ts";
import { type Descriptor, type ImageIndex, MediaType, type Platform } from "../types/mod.ts";
import { readInstances } from "./_manifest_list_add.ts";
import { prepareArtifact } from "./_manifest_list_artifact.ts";
import { pushList } from "./_manifest_list_push.ts";
import type { ManifestListPushOptions, RegistryAccessOptions } from "./manifest_list_options.ts";
import type { OperationContext } from "./context.ts";

export type { ManifestListPushOptions, RegistryAccessOptions } from "./manifest_list_options.ts";

/**
 * Options of {@linkcode ManifestList.addArtifact} (libimage's
 * ManifestListAddArtifactOptions); the registry access options apply to looking up
 * `subject`. (The method spells the type out, so the root module need not name it.)
 */
export type ManifestListAddArtifactOptions = NonNullable<
  Parameters<ManifestList["addArtifact"]>[0]
>;

/** What {@linkcode ManifestList.inspect} shows (libimage's ManifestListData). */
export interface ManifestListData {
  /** Always 2. */
  schemaVersion: 2;
  /** The media type the list is stored (and pushed) as. */
  mediaType: string;
  /** The list's artifact type, if any. */
  artifactType?: string;
  /** The instances, with platform, annotations, URLs and artifact type. */
  manifests: Descriptor[];
  /** The list's subject, if any. */
  subject?: Descriptor;
  /** The list's own annotations, if any. */
  annotations?: Record<string, string>;
}

/** Options of {@linkcode ManifestList.add}. */
export interface ManifestListAddOptions extends RegistryAccessOptions {
  /** Add every instance of a list, not only the one for `platform`. @default false */
  all?: boolean;
  /** The platform whose instance of a list is added. @default the runtime's */
  platform?: string | PlatformChoice;
  /** Record this OS for the added instances. @default the list entry's or the config's */
  os?: string;
  /** Record this architecture for the added instances. @default the entry's or config's */
  architecture?: string;
  /** Record this variant (only with `architecture` or alone). @default the entry's or config's */
  variant?: string;
  /** Annotations set on the added instances. @default none */
  annotations?: Record<string, string>;
}

/** Options of {@linkcode ManifestList.annotateInstance}. */
export interface AnnotateInstanceOptions {
  /** Annotations merged into the instance's. */
  annotations?: Record<string, string>;
  /** The instance's architecture. */
  architecture?: string;
  /** The instance's OS. */
  os?: string;
  /** The instance's variant; ignored unless `architecture` or `variant` is given. */
  variant?: string;
  /** The instance's OS version. */
  osVersion?: string;
  /** The instance's OS features. */
  osFeatures?: string[];
  /** The instance's CPU features. */
  features?: string[];
  /** Annotations merged into the list's own (stored as an OCI index then). */
  indexAnnotations?: Record<string, string>;
  /** The list's subject (stored as an OCI index then). */
  subject?: Descriptor;
}

/** Options of {@linkcode ManifestList.lookupInstance}. */
export interface LookupInstanceOptions {
  /** The architecture. @default the runtime's */
  architecture?: string;
  /** The OS. @default the runtime's */
  os?: string;
  /** The variant; applied only together with `architecture`. */
  variant?: string;
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The type a list is saved as: a Docker list unless it holds something only an OCI index
 * can (annotations, subject, artifact types, entries without a platform).
 */
function preferredType(index: ImageIndex): ImageIndex {
  const needsOci = index.annotations !== undefined || index.subject !== undefined ||
    index.artifactType !== undefined ||
    index.manifests.some((d) =>
      d.annotations !== undefined || d.artifactType !== undefined || d.platform === undefined
    );
  return { ...index, mediaType: needsOci ? MediaType.OciIndex : MediaType.DockerManifestList };
}

async function saveIndex(ctx: OperationContext, index: ImageIndex): Promise<{
  digest: string;
  mediaType: string;
  size: number;
}> {
  const bytes = serializeIndex(index);
  const digest = digestBytes(bytes).toString();
  await ctx.store.putBlob(
    digest,
    bytes.length,
    streamOf(bytes),
  );
  return { digest, mediaType: index.mediaType!, size: bytes.length };
}

/**
 * Creates an empty Docker manifest list named `name` (normalized: a short name gets
 * `localhost/`, a missing tag `:latest`) under a random image ID.
 *
 * @example
 * ```ts ignore
 * const list = await createManifestList(ctx, "localhost/mylist:v1");
 * console.log((await list.inspect()).manifests.length); // 0
 * ```
 *
 * @throws {ImageConflictError} when the name is already used by another image.
 */
export async function createManifestList(
  ctx: OperationContext,
  name: string,
): Promise<ManifestList> {
  const normalized = normalizeName(name).toString();
  const id = await ctx.store.withLock(async () => {
    const existing = await ctx.store.imageByName(normalized);
    if (existing !== undefined) {
      throw new ImageConflictError(
        "create manifest list",
        existing.id,
        `the name "${normalized}" is already in use`,
      );
    }
    const saved = await saveIndex(ctx, createIndex(MediaType.DockerManifestList));
    const record = await ctx.store.commitImage({
      id: randomId(),
      manifestDigest: saved.digest,
      manifestMediaType: saved.mediaType,
      names: [normalized],
      isManifestList: true,
      size: saved.size,
    });
    return record.id;
  });
  return new ManifestList(ctx, id);
}

/**
 * The manifest list `name` refers to (a name, an ID or an ID prefix).
 *
 * @throws {ImageNotFoundError} when nothing matches.
 * @throws {NotAManifestListError} when the image found is not a list.
 */
export async function lookupManifestList(
  ctx: OperationContext,
  name: string,
): Promise<ManifestList> {
  const found = await ctx.lookup(name, { manifestList: true });
  if (!found.image.isManifestList) throw new NotAManifestListError("look up manifest list", name);
  return new ManifestList(ctx, found.image.id);
}

/** A manifest list in the local store; its methods re-read the list each time. */
export class ManifestList {
  /** The list's image ID. */
  readonly id: string;
  readonly #ctx: OperationContext;

  /** Wraps the stored list `id` (see {@linkcode lookupManifestList}). */
  constructor(ctx: OperationContext, id: string) {
    this.#ctx = ctx;
    this.id = id;
  }

  /** The list's current store record. */
  async record(): Promise<ImageRecord> {
    const record = await this.#ctx.store.imageById(this.id);
    if (record === undefined) throw new ImageNotFoundError(this.id);
    if (!record.isManifestList) throw new NotAManifestListError("use manifest list", this.id);
    return record;
  }

  async #index(record: ImageRecord): Promise<ImageIndex> {
    const bytes = await this.#ctx.store.readBlobBytes(record.manifestDigest);
    return parseIndex(bytes, { what: record.manifestDigest }).index;
  }

  /**
   * Edits the list under the store lock and saves it back into the same image ID, with
   * the instance sources and blobs (the record's and `added`) of the instances it still
   * lists; `added.before` runs under the lock first (storing an artifact's blobs).
   */
  async #edit(
    change: (index: ImageIndex) => ImageIndex,
    added: {
      sources?: Record<string, string>;
      blobs?: Record<string, string[]>;
      before?: () => Promise<void>;
    } = {},
  ): Promise<ImageRecord> {
    const store = this.#ctx.store;
    return await store.withLock(async () => {
      const record = await this.record();
      const edited = preferredType(change(await this.#index(record)));
      await added.before?.();
      const saved = await saveIndex(this.#ctx, edited);
      const listed = new Set(edited.manifests.map((entry) => entry.digest));
      const kept = <T>(known: Record<string, T>): Record<string, T> =>
        Object.fromEntries(Object.entries(known).filter(([digest]) => listed.has(digest)));
      const sources = kept({ ...record.instanceSources, ...added.sources });
      const blobs = kept({ ...record.instanceBlobs, ...added.blobs });
      return await store.replaceManifest(
        record.id,
        saved.digest,
        saved.mediaType,
        sources,
        Object.keys(blobs).length > 0 || record.instanceBlobs !== undefined ? blobs : undefined,
      );
    });
  }

  /** The list as it is stored now. */
  async inspect(): Promise<ManifestListData> {
    const record = await this.record();
    const index = structuredClone(await this.#index(record));
    const data: ManifestListData = {
      schemaVersion: 2,
      mediaType: index.mediaType ?? record.manifestMediaType,
      manifests: index.manifests,
    };
    if (index.artifactType !== undefined) data.artifactType = index.artifactType;
    if (index.subject !== undefined) data.subject = index.subject;
    if (index.annotations !== undefined) data.annotations = index.annotations;
    return data;
  }

  /** The locally stored image of the instance for a platform (default: the runtime's). */
  async lookupInstance(options: LookupInstanceOptions = {}): Promise<ImageRecord> {
    const record = await this.record();
    const choice = normalizePlatformChoice({
      os: options.os,
      architecture: options.architecture,
      variant: options.architecture ? options.variant : undefined,
    });
    const entry = chooseInstance(
      await this.#index(record),
      completePlatform(choice, this.#ctx.platform),
    );
    const holders = entry ? await this.#ctx.store.imagesByDigest(entry.digest) : [];
    const image = holders.find((holder) => !holder.isManifestList) ??
      (entry ? wrappedImage(record, entry.digest) : undefined);
    if (image === undefined) {
      throw new ImageNotFoundError(this.id, {
        cause: new Error("no local image instance of the manifest list for the platform"),
      });
    }
    return image;
  }

  /**
   * Adds the image `name` refers to: a transport reference (`oci:…`, `docker://…`,
   * `containers-storage:…`), else a registry image (`docker://` is tried), else a local
   * image. From a list, `all` adds every instance, otherwise the one for the platform.
   * As with Podman, nothing is copied: the list records where each instance not stored
   * locally comes from, and `push` copies it from there. Returns the added image's
   * manifest digest (for a list added with `all`, the list's digest).
   *
   * @example
   * ```ts ignore
   * const digest = await list.add("quay.io/podman/hello:latest", { all: true });
   * ```
   */
  async add(name: string, options: ManifestListAddOptions = {}): Promise<string> {
    await this.record();
    const choice = options.platform === undefined
      ? {}
      : typeof options.platform === "string"
      ? parsePlatform(options.platform)
      : normalizePlatformChoice(options.platform);
    const platform: Platform = completePlatform(choice, this.#ctx.platform);
    const added = await readInstances(this.#ctx, name, { ...options, platform });
    const changes: InstanceChanges = {};
    if (options.annotations !== undefined) changes.annotations = options.annotations;
    if (options.os !== undefined) changes.os = options.os;
    if (options.architecture !== undefined) changes.architecture = options.architecture;
    if (options.variant !== undefined) changes.variant = options.variant;
    await this.#edit((index) => {
      let out = index;
      for (const descriptor of added.descriptors) {
        out = addInstance(out, descriptor);
        if (Object.keys(changes).length > 0) {
          out = annotateInstance(out, descriptor.digest, changes);
        }
      }
      return out;
    }, { sources: added.sources });
    return added.digest;
  }

  /**
   * Builds an OCI artifact manifest of `files` (one layer a file) and adds it to the list
   * (libimage's AddArtifact); its blobs are stored with the list, so `push` sends them,
   * and kept as long as the list names it. Returns the artifact manifest's digest. On
   * failure the list and the store are left as they were.
   *
   * @example
   * ```ts ignore
   * const digest = await list.addArtifact({ type: "application/vnd.example.sbom" }, [
   *   "./sbom.json",
   * ]);
   * ```
   *
   * @throws {ArtifactFileError} when a file is missing or not a regular file.
   * @throws {ImageNotFoundError} when `subject` cannot be found.
   */
  async addArtifact(
    options: RegistryAccessOptions & {
      /**
       * The artifact manifest's `artifactType`; `""` leaves it out.
       * @default "application/vnd.unknown.artifact.v1"
       */
      type?: string;
      /**
       * The config descriptor's media type. @default the empty descriptor's
       * (`application/vnd.oci.empty.v1+json`), or `application/vnd.oci.image.config.v1+json`
       * with a `config`
       */
      configType?: string;
      /** The config blob's bytes; empty or missing means the empty config `{}`. @default none */
      config?: Uint8Array | string;
      /**
       * The media type of every file's layer. @default guessed from each file's extension,
       * else from its first bytes (`text/plain`, `application/octet-stream`, ...)
       */
      layerType?: string;
      /** Leave out the `org.opencontainers.image.title` annotation of each layer. @default false */
      excludeTitles?: boolean;
      /** Annotations of the artifact manifest. @default none */
      annotations?: Record<string, string>;
      /**
       * An image (a transport reference, a registry image or a local image or list) whose
       * manifest descriptor becomes the artifact manifest's `subject`. @default none
       */
      subject?: string;
    } = {},
    files: readonly string[] = [],
  ): Promise<string> {
    await this.record();
    const artifact = await prepareArtifact(this.#ctx, files, options);
    try {
      await this.#edit((index) => addInstance(index, artifact.descriptor), {
        blobs: { [artifact.digest]: artifact.blobs },
        before: () => artifact.store(),
      });
    } finally {
      await artifact.discard();
    }
    return artifact.digest;
  }

  /**
   * Removes the instance `digest` from the list (its image stays in the store).
   *
   * @throws {ManifestUnknownError} when the list has no such instance.
   */
  async removeInstance(digest: string): Promise<void> {
    await this.#edit((index) => removeInstance(index, digest));
  }

  /**
   * Changes an instance's annotations and platform fields, and the list's annotations and
   * subject (libimage's AnnotateInstance; the variant is set only when an architecture or
   * a variant is given).
   *
   * @throws {ManifestUnknownError} when the list has no such instance.
   */
  async annotateInstance(digest: string, options: AnnotateInstanceOptions): Promise<void> {
    await this.#edit((index) => {
      const changes: InstanceChanges = {};
      if (options.annotations !== undefined) changes.annotations = options.annotations;
      if (options.architecture) changes.architecture = options.architecture;
      if (options.os) changes.os = options.os;
      if (options.architecture || options.variant) changes.variant = options.variant ?? "";
      if (options.osVersion) changes.osVersion = options.osVersion;
      if (options.osFeatures?.length) changes.osFeatures = options.osFeatures;
      if (options.features?.length) changes.features = options.features;
      let out = annotateInstance(index, digest, changes);
      if (options.indexAnnotations !== undefined) {
        out = setIndexAnnotations(out, options.indexAnnotations);
      }
      if (options.subject !== undefined) out = setIndexSubject(out, options.subject);
      return out;
    });
  }

  /**
   * Pushes the list to `dest` (`docker://` is assumed without a transport) and returns the
   * digest of the manifest written: the instance's for `selection: "system"` (the
   * default), the list's otherwise. A `push` event is written, even on failure.
   *
   * @example
   * ```ts ignore
   * const digest = await list.push("registry.example/app:v1", { selection: "all" });
   * ```
   */
  async push(dest: string, options: ManifestListPushOptions = {}): Promise<string> {
    try {
      return await pushList(this.#ctx, await this.record(), dest, options);
    } finally {
      await this.#ctx.events.write({
        type: "push",
        id: this.id,
        name: dest,
        time: this.#ctx.now(),
      });
    }
  }
}
