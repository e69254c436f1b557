/**
 * Reading an image from a Docker Engine: `GET /images/{name}/get` answers with a
 * `docker save` tar, which is streamed to a temporary file and read like a
 * `docker-archive:` (manifest synthesized as Docker schema 2).
 *
 * @module
 */
import { ManifestUnknownError, RegistryError } from "../../errors.ts";
import type { ImageSource, TransportContext } from "../types.ts";
import { parentDir, tempPath } from "../_temp.ts";
import { DockerArchiveSource, selectArchiveImage } from "../docker_archive/mod.ts";
import { openDockerArchive } from "../docker_archive/_archive_reader.ts";
import { DockerEngineClient, engineMessage, imagePathSegment } from "./_engine.ts";
import type { DockerDaemonReference } from "./reference.ts";

/**
 * Exports the image `reference` names from the engine and opens it; the temporary
 * extraction is removed when the source is closed.
 *
 * @throws {ManifestUnknownError} when the engine does not know the image.
 * @throws {RegistryError} when the engine cannot be reached or answers with an error.
 */
export async function openDockerDaemonSource(
  reference: DockerDaemonReference,
  context: TransportContext,
): Promise<ImageSource> {
  const what = reference.toString();
  const { fs, signal } = context;
  const client = new DockerEngineClient(context, what);
  const response = await client.request(
    `/images/${imagePathSegment(reference.withinTransport)}/get`,
    { method: "GET" },
  );
  if (!response.ok) {
    const message = await engineMessage(response);
    if (response.status === 404) {
      throw new ManifestUnknownError(what, { cause: new Error(message) });
    }
    throw new RegistryError(what, response.status, `the Docker daemon answered: ${message}`);
  }
  const tarPath = `${tempPath(context.tmpDir, "docker-daemon-save")}.tar`;
  const root = tempPath(context.tmpDir, "docker-daemon");
  try {
    await fs.mkdir(parentDir(tarPath), { recursive: true });
    if (response.body === null) {
      throw new RegistryError(what, response.status, "the Docker daemon sent no image");
    }
    await response.body.pipeTo(await fs.openWrite(tarPath), { signal });
    const opened = await openDockerArchive(fs, tarPath, root, { what, signal });
    try {
      const image = selectArchiveImage(opened.images, {}, what);
      return new DockerArchiveSource(reference, opened.files, image);
    } catch (error) {
      await opened.files.remove().catch(() => {});
      throw error;
    }
  } catch (error) {
    await response.body?.cancel().catch(() => {});
    throw error;
  } finally {
    await fs.remove(tarPath).catch(() => {});
  }
}
