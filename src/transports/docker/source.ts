/**
 * Reading an image from a registry: the manifest by tag or digest, instance manifests by
 * digest, blobs as verified streams.
 *
 * @module
 */
import type { RegistryClient } from "../../registry/mod.ts";
import type { BlobInfo, ImageSource, ManifestBytes } from "../types.ts";
import type { ResolvedDockerOptions } from "./options.ts";
import type { DockerImageReference } from "./reference.ts";

/** An image in a registry, opened for reading. */
export class DockerImageSource implements ImageSource {
  /** Blob streams come verified from the registry client. */
  readonly verifiesBlobs = true;
  /** The registry client retries requests and resumes broken blob bodies. */
  readonly retriesTransientFailures = true;
  /** Where the image is read from. */
  readonly reference: DockerImageReference;
  readonly #client: RegistryClient;
  readonly #options: ResolvedDockerOptions;
  #top: Promise<ManifestBytes> | undefined;

  /** Opens `reference` through `client`. */
  constructor(
    reference: DockerImageReference,
    client: RegistryClient,
    options: ResolvedDockerOptions,
  ) {
    this.reference = reference;
    this.#client = client;
    this.#options = options;
  }

  /** The manifest the reference points at, or the instance `instanceDigest` of it. */
  getManifest(instanceDigest?: string): Promise<ManifestBytes> {
    const repo = this.reference.repository;
    if (instanceDigest !== undefined) return this.#client.getManifest(repo, instanceDigest);
    this.#top ??= this.#client.getManifest(repo, this.reference.tagOrDigest);
    const top = this.#top;
    top.catch(() => {
      if (this.#top === top) this.#top = undefined;
    });
    return top;
  }

  /** Streams a blob of the repository; the registry client verifies it as it flows. */
  async getBlob(
    blob: BlobInfo,
    options: { signal?: AbortSignal } = {},
  ): Promise<ReadableStream<Uint8Array>> {
    const { registry, repository } = this.reference;
    const stream = await this.#client.getBlob(repository, blob.digest, {
      signal: options.signal,
      size: blob.size >= 0 ? blob.size : undefined,
    });
    this.#options.blobLocations.add(registry, repository, blob.digest);
    return stream;
  }

  /** Nothing to release. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
