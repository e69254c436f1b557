/**
 * The `docker-archive:` transport: `docker save` tars, addressed as
 * `docker-archive:PATH[:NAME|:@INDEX]`. Reading handles the current `manifest.json` and
 * the legacy layout; writing supports several images per archive through a shared
 * {@linkcode DockerArchiveWriter}.
 *
 * @example
 * ```ts
 * import { dockerArchiveTransport } from "./mod.ts";
 * const ref = dockerArchiveTransport.parse("/tmp/app.tar:app");
 * console.log(ref.toString()); // "docker-archive:/tmp/app.tar:docker.io/library/app:latest"
 * ```
 *
 * @module
 */
import {
  DockerArchiveReference,
  dockerArchiveTransport,
  normalizeArchiveTag,
} from "./reference.ts";
import type { DockerArchiveWriter } from "./archive_writer.ts";

/**
 * A reference whose destination appends an image, tagged `tags` (normalized), to the
 * shared `writer`; call `writer.commit()` once every image is in.
 */
export function dockerArchiveWriterReference(
  writer: DockerArchiveWriter,
  tags: readonly string[] = [],
): DockerArchiveReference {
  return new DockerArchiveReference(
    dockerArchiveTransport,
    writer.path,
    {},
    writer,
    tags.map((tag) => normalizeArchiveTag(tag)),
  );
}

export {
  DockerArchiveReference,
  type DockerArchiveSelector,
  dockerArchiveTransport,
  normalizeArchiveTag,
  parseDockerArchivePath,
} from "./reference.ts";
export {
  DockerArchiveSource,
  type DockerArchiveSourceOptions,
  normalizedRepoTag,
  openDockerArchiveSource,
  selectArchiveImage,
} from "./source.ts";
export { DockerArchiveDestination } from "./destination.ts";
export { DockerArchiveWriter, type DockerArchiveWriterOptions } from "./archive_writer.ts";
export { type DockerArchiveImage, listDockerArchiveImages } from "./list.ts";
export type { ArchiveImage } from "./_archive_reader.ts";
