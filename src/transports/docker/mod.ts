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
import type { Transport } from "../types.ts";
import { type DockerTransportOptions, resolveDockerOptions } from "./options.ts";
import { DockerImageReference, parseDockerName } from "./reference.ts";

/** A `docker` transport; its references open registry clients configured by `options`. */
export interface DockerTransport extends Transport {
  /** Parses `//NAME` into a reference. */
  parse(withinTransport: string): DockerImageReference;
}

/**
 * Builds a `docker` transport with credentials, mount sources and registry client
 * options; the default {@linkcode dockerTransport} is anonymous.
 *
 * @example
 * ```ts
 * import { createDockerTransport } from "./mod.ts";
 * const transport = createDockerTransport({
 *   credentials: { username: "me", password: "secret" },
 *   mountFrom: ["team/base"],
 * });
 * console.log(transport.parse("//localhost:5000/team/app").repository); // "team/app"
 * ```
 */
export function createDockerTransport(options: DockerTransportOptions = {}): DockerTransport {
  const resolved = resolveDockerOptions(options);
  const transport: DockerTransport = {
    name: "docker",
    parse(withinTransport: string): DockerImageReference {
      return new DockerImageReference(transport, parseDockerName(withinTransport), resolved);
    },
  };
  return transport;
}

/** The default, anonymous `docker` transport (the one in the prefix table). */
export const dockerTransport: DockerTransport = createDockerTransport();

export { BlobLocations } from "./blob_locations.ts";
export { DOCKER_MANIFEST_TYPES, DockerImageDestination } from "./destination.ts";
export type { DockerTransportOptions } from "./options.ts";
export { DockerImageReference, parseDockerName } from "./reference.ts";
export { DockerImageSource } from "./source.ts";
