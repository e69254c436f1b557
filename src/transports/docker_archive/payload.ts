/**
 * What a load reads from an extracted `docker save` archive (it holds `manifest.json` or
 * the legacy `repositories`): every image, named by its tags, each checked against its
 * layers' diff IDs before anything is stored (compressed layers inflated once, counted
 * against the load's byte cap; plain ones were hashed at extraction).
 *
 * @module
 */
import { ManifestUnknownError } from "../../errors.ts";
import { normalizeName } from "../../reference/mod.ts";
import { requireMarks } from "../_payload.ts";
import type {
  ExtractedPayload,
  ImageReference,
  ImageSource,
  ListedImage,
  ListPayloadOptions,
  Transport,
  TransportContext,
} from "../types.ts";
import { readArchiveImages } from "./_archive_reader.ts";
import { DockerArchiveSource } from "./source.ts";

/** A reference that hands out one source, opened once and shared by every copy of it. */
class HeldSourceReference implements ImageReference {
  readonly transport: Transport;
  readonly dockerReference: undefined = undefined;
  readonly withinTransport: string;
  readonly #source: ImageSource;

  constructor(
    transport: Transport,
    withinTransport: string,
    open: (self: ImageReference) => ImageSource,
  ) {
    this.transport = transport;
    this.withinTransport = withinTransport;
    this.#source = open(this);
  }

  toString(): string {
    return `${this.transport.name}:${this.withinTransport}`;
  }

  newSource(_context: TransportContext): Promise<ImageSource> {
    return Promise.resolve(this.#source);
  }

  newDestination(_context: TransportContext): Promise<never> {
    return Promise.reject(new TypeError(`${this} is read-only`));
  }
}

/**
 * The images of an extracted `docker save` archive, read as `transport` (see
 * `Transport.listArchiveImages`).
 */
export async function listArchiveImages(
  transport: Transport,
  payload: ExtractedPayload,
  options: ListPayloadOptions,
): Promise<ListedImage[]> {
  const { path, files } = payload;
  const what = `docker-archive:${path}`;
  requireMarks(payload, "docker-archive", ["manifest.json", "repositories"]);
  const found = await readArchiveImages(files, what);
  if (found.length === 0) throw new ManifestUnknownError(`${what} (the archive holds no image)`);
  return found.map((image, index) => {
    const reference = new HeldSourceReference(
      transport,
      `${path}:@${index}`,
      (self) =>
        new DockerArchiveSource(self, files, image, {
          keepFiles: true,
          onInflate: (bytes, entry) => payload.countBytes(bytes, entry),
          file: (entry) => payload.blobFile(entry),
        }),
    );
    return {
      reference,
      names: [...new Set(image.repoTags.map((tag) => normalizeName(tag).toString()))],
      check: async () => {
        const source = await reference.newSource(options.context);
        await source.getManifest();
      },
    };
  });
}
