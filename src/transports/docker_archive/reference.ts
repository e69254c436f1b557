/**
 * `docker-archive:PATH[:NAME|:@INDEX]` references: a `docker save` tar, one image of it
 * picked by tag or position.
 *
 * The transport object lives here with its references (parsing and names only); the code
 * that opens an image (source, destination, listing) is imported when a reference opens it.
 *
 * @module
 */
import { InvalidReferenceError } from "../../errors.ts";
import { normalizeName, parseNormalizedName } from "../../reference/mod.ts";
import type {
  ImageDestination,
  ImageReference,
  ImageSource,
  LayerCompressionName,
  Transport,
  TransportContext,
} from "../types.ts";
import type { DockerArchiveWriter } from "./archive_writer.ts";

/** What picks the image of an archive. */
export interface DockerArchiveSelector {
  /** A full tagged name (`docker.io/library/alpine:latest`), if one was given. */
  tag?: string;
  /** A position in `manifest.json`, if `@INDEX` was given. */
  index?: number;
}

/**
 * Normalizes a name for an archive: short names get `docker.io/`, and `:latest` when
 * untagged; digests are refused.
 */
export function normalizeArchiveTag(name: string, input = name): string {
  let ref;
  try {
    ref = parseNormalizedName(name);
  } catch (error) {
    throw new InvalidReferenceError(input, "InvalidFormat", `invalid image name "${name}"`, {
      cause: error,
    });
  }
  if (ref.digest !== undefined) {
    throw new InvalidReferenceError(
      input,
      "InvalidFormat",
      "docker-archive does not support digest references",
    );
  }
  return ref.tagNameOnly().toString();
}

/** Parses `PATH[:NAME|:@INDEX]` (split at the first colon). */
export function parseDockerArchivePath(
  withinTransport: string,
): { path: string } & DockerArchiveSelector {
  const input = `docker-archive:${withinTransport}`;
  const colon = withinTransport.indexOf(":");
  const path = colon < 0 ? withinTransport : withinTransport.slice(0, colon);
  if (path === "") throw new InvalidReferenceError(input, "InvalidFormat", "the path is empty");
  if (colon < 0) return { path };
  const selector = withinTransport.slice(colon + 1);
  if (selector.startsWith("@")) {
    const digits = selector.slice(1);
    if (!/^\d+$/.test(digits) || !Number.isSafeInteger(Number(digits))) {
      throw new InvalidReferenceError(input, "InvalidFormat", `invalid source index "${selector}"`);
    }
    return { path, index: Number(digits) };
  }
  if (selector === "") throw new InvalidReferenceError(input, "InvalidFormat", "empty image name");
  return { path, tag: normalizeArchiveTag(selector, input) };
}

/** A `docker-archive:` reference. */
export class DockerArchiveReference implements ImageReference {
  /** The transport, `docker-archive`. */
  readonly transport: Transport;
  /** The archive file. */
  readonly path: string;
  /** The full tagged name, if one was given. */
  readonly tag: string | undefined;
  /** The position in the archive, if `@INDEX` was given. */
  readonly index: number | undefined;
  /** Extra tags a shared writer gives the image (see {@linkcode DockerArchiveWriter}). */
  readonly extraTags: readonly string[];
  /** The shared writer this reference appends to, if any. */
  readonly writer: DockerArchiveWriter | undefined;
  /** Docker archives hold gzip (or uncompressed) layers only. */
  readonly layerCompressions: readonly LayerCompressionName[] = ["gzip"];

  /** Builds a reference; `writer` makes destinations append to a shared archive. */
  constructor(
    transport: Transport,
    path: string,
    selector: DockerArchiveSelector = {},
    writer?: DockerArchiveWriter,
    extraTags: readonly string[] = [],
  ) {
    this.transport = transport;
    this.path = path;
    this.tag = selector.tag;
    this.index = selector.index;
    this.writer = writer;
    this.extraTags = extraTags;
  }

  /** `PATH[:NAME|:@INDEX]`. */
  get withinTransport(): string {
    if (this.tag !== undefined) return `${this.path}:${this.tag}`;
    if (this.index !== undefined) return `${this.path}:@${this.index}`;
    return this.path;
  }

  /** The tag, if one was given. */
  get dockerReference(): string | undefined {
    return this.tag;
  }

  /** `docker-archive:PATH[:NAME|:@INDEX]`. */
  toString(): string {
    return `${this.transport.name}:${this.withinTransport}`;
  }

  /** The tags of the selected image inside the archive, normalized. */
  async storageNames(context: TransportContext): Promise<string[]> {
    const { listDockerArchiveImages } = await import("./list.ts");
    const { selectArchiveImage } = await import("./source.ts");
    const images = await listDockerArchiveImages(context.fs, this.path);
    const image = selectArchiveImage(
      images,
      { tag: this.tag, index: this.index },
      this.toString(),
    );
    return image.repoTags.map((tag) => normalizeName(tag).toString());
  }

  /**
   * This destination, giving the image each of `names` as a tag too (skopeo's
   * `--additional-tag`), after its own.
   *
   * @throws {InvalidReferenceError} for a name without a tag, or with a digest.
   */
  withAdditionalTags(names: readonly string[]): DockerArchiveReference {
    const tags = names.map((name) => {
      const tag = normalizeArchiveTag(name);
      if (parseNormalizedName(name).tag === undefined) {
        throw new InvalidReferenceError(
          name,
          "InvalidFormat",
          "an additional tag must be a tagged name (NAME:TAG)",
        );
      }
      return tag;
    });
    const selector = this.tag === undefined
      ? (this.index === undefined ? {} : { index: this.index })
      : { tag: this.tag };
    return new DockerArchiveReference(this.transport, this.path, selector, this.writer, [
      ...this.extraTags,
      ...tags,
    ]);
  }

  /**
   * This destination, writing `name` as a tag too when it is a tagged name (not with a
   * shared writer, which names its images itself).
   */
  withImageName(name: string): ImageReference {
    if (this.writer !== undefined) return this;
    let tag: string;
    try {
      const named = parseNormalizedName(name);
      if (named.tag === undefined || named.digest !== undefined) return this;
      tag = normalizeArchiveTag(name);
    } catch {
      return this;
    }
    const selector = this.tag === undefined ? {} : { tag: this.tag };
    return new DockerArchiveReference(this.transport, this.path, selector, undefined, [tag]);
  }

  /** Opens the chosen image for reading. */
  async newSource(context: TransportContext): Promise<ImageSource> {
    const { openDockerArchiveSource } = await import("./source.ts");
    return await openDockerArchiveSource(this, context);
  }

  /**
   * Opens a destination. Without a shared writer, the archive holds this one image and is
   * written (atomically) on commit; with one, the image is appended to it.
   */
  async newDestination(context: TransportContext): Promise<ImageDestination> {
    if (this.index !== undefined) {
      throw new InvalidReferenceError(
        this.toString(),
        "InvalidFormat",
        "a destination cannot use a source index",
      );
    }
    const { DockerArchiveDestination } = await import("./destination.ts");
    const tags = [...(this.tag === undefined ? [] : [this.tag]), ...this.extraTags];
    if (this.writer !== undefined) {
      return new DockerArchiveDestination(this, this.writer, false, tags);
    }
    const { DockerArchiveWriter } = await import("./archive_writer.ts");
    const writer = new DockerArchiveWriter(context.fs, this.path, {
      tmpDir: context.tmpDir,
      signal: context.signal,
    });
    return new DockerArchiveDestination(this, writer, true, tags);
  }
}

/** The `docker-archive` transport. */
export const dockerArchiveTransport: Transport = {
  name: "docker-archive",
  parse(withinTransport: string): DockerArchiveReference {
    const { path, ...selector } = parseDockerArchivePath(withinTransport);
    return new DockerArchiveReference(dockerArchiveTransport, path, selector);
  },
  listArchiveImages: async (payload, options) =>
    (await import("./payload.ts")).listArchiveImages(dockerArchiveTransport, payload, options),
};
