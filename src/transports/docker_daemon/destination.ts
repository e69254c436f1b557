/**
 * Writing an image into a Docker Engine: the image is collected as a `docker save` tar
 * (tagged with the reference's name) in a temporary file, which `commit` sends to
 * `POST /images/load`.
 *
 * @module
 */
import { RegistryError } from "../../errors.ts";
import type {
  BlobInfo,
  BlobWriteOptions,
  ImageDestination,
  LayerCompressionWish,
  ManifestBytes,
  TransportContext,
} from "../types.ts";
import { tempPath } from "../_temp.ts";
import { DockerArchiveDestination, DockerArchiveWriter } from "../docker_archive/mod.ts";
import { DockerEngineClient, engineMessage } from "./_engine.ts";
import type { DockerDaemonReference } from "./reference.ts";

/** An {@linkcode ImageDestination} that loads one Docker schema 2 image into the engine. */
export class DockerDaemonDestination implements ImageDestination {
  /** Where the image is written. */
  readonly reference: DockerDaemonReference;
  readonly #context: TransportContext;
  readonly #tarPath: string;
  readonly #archive: DockerArchiveDestination;
  /** The engine's `Loaded image` lines of the last commit. */
  readonly loaded: string[] = [];

  /** Stages the archive under `context.tmpDir` (default: the OS temp folder). */
  constructor(reference: DockerDaemonReference, context: TransportContext) {
    this.reference = reference;
    this.#context = context;
    this.#tarPath = `${tempPath(context.tmpDir, "docker-daemon-load")}.tar`;
    const writer = new DockerArchiveWriter(context.fs, this.#tarPath, {
      tmpDir: context.tmpDir,
      signal: context.signal,
    });
    const tags = reference.name === undefined ? [] : [reference.name.toString()];
    this.#archive = new DockerArchiveDestination(reference, writer, true, tags);
  }

  /** Docker schema 2 only. */
  supportedManifestTypes(): readonly string[] {
    return this.#archive.supportedManifestTypes();
  }

  /** Uncompressed layers, as `docker load` archives hold them. */
  desiredLayerCompression(): LayerCompressionWish {
    return "decompress";
  }

  /** The engine loads single images. */
  supportsManifestLists(): boolean {
    return false;
  }

  /** Tells whether the blob was already staged. */
  hasBlob(blob: BlobInfo): Promise<boolean> {
    return this.#archive.hasBlob(blob);
  }

  /** Stages a blob. */
  putBlob(
    blob: BlobInfo,
    stream: ReadableStream<Uint8Array>,
    options?: BlobWriteOptions,
  ): Promise<void> {
    return this.#archive.putBlob(blob, stream, options);
  }

  /** Takes the image's config and layers from its schema 2 manifest. */
  putManifest(manifest: ManifestBytes, instanceDigest?: string): Promise<void> {
    return this.#archive.putManifest(manifest, instanceDigest);
  }

  /**
   * Writes the archive and loads it into the engine.
   *
   * @throws {RegistryError} when the engine cannot be reached or reports an error.
   */
  async commit(): Promise<void> {
    await this.#archive.commit();
    const what = this.reference.toString();
    const client = new DockerEngineClient(this.#context, what);
    const body = await this.#context.fs.openRead(this.#tarPath);
    let response: Response;
    try {
      response = await client.request("/images/load?quiet=1", {
        method: "POST",
        headers: { "Content-Type": "application/x-tar" },
        body,
        duplex: "half",
      } as RequestInit);
    } catch (error) {
      await body.cancel().catch(() => {});
      throw error;
    }
    if (!response.ok) {
      const message = await engineMessage(response);
      throw new RegistryError(what, response.status, `the Docker daemon answered: ${message}`);
    }
    await this.#readProgress(response, what);
  }

  /** Reads the JSON-lines answer of `/images/load`; fails on an `error`/`errorDetail`. */
  async #readProgress(response: Response, what: string): Promise<void> {
    const text = await response.text();
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      let message: { stream?: unknown; error?: unknown; errorDetail?: { message?: unknown } };
      try {
        message = JSON.parse(line);
      } catch {
        continue;
      }
      const failure = message.errorDetail?.message ?? message.error;
      if (failure !== undefined) {
        throw new RegistryError(
          what,
          response.status,
          `the Docker daemon could not load the image: ${String(failure)}`,
        );
      }
      if (typeof message.stream === "string" && message.stream.trim() !== "") {
        this.loaded.push(message.stream.trim());
      }
    }
  }

  /** Removes the staged blobs and the archive. */
  async close(): Promise<void> {
    try {
      await this.#archive.close();
    } finally {
      await this.#context.fs.remove(this.#tarPath).catch(() => {});
    }
  }
}
