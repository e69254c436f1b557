/**
 * The `docker://` transport: images in registries that speak the OCI distribution API,
 * addressed as `docker://NAME[:TAG|@DIGEST]`. Names are normalized without short-name
 * resolution (`docker://fedora` is `docker.io/library/fedora:latest`).
 *
 * @example
 * ```ts
 * import { dockerTransport } from "./mod.ts";
 * const ref = dockerTransport.parse("//fedora");
 * console.log(ref.toString()); // "docker://docker.io/library/fedora:latest"
 * ```
 *
 * @module
 */
export { BlobLocations } from "./blob_locations.ts";
export { DOCKER_MANIFEST_TYPES, DockerImageDestination } from "./destination.ts";
export type { DockerTransportOptions } from "./options.ts";
export {
  createDockerTransport,
  DockerImageReference,
  type DockerTransport,
  dockerTransport,
  parseDockerName,
} from "./reference.ts";
export { DockerImageSource } from "./source.ts";
