/**
 * The one prefix table of transports: `name:rest` goes to the transport called `name`.
 *
 * @example
 * ```ts
 * import { parseImageReference } from "./registry.ts";
 * console.log(parseImageReference("oci:/tmp/layout:v1")?.toString()); // "oci:/tmp/layout:v1"
 * console.log(parseImageReference("docker:latest")); // undefined (an image name)
 * ```
 *
 * @module
 */
import type { ImageReference, Transport } from "./types.ts";
import { ociTransport } from "./oci/mod.ts";
import { ociArchiveTransport } from "./oci_archive/mod.ts";
import { dockerArchiveTransport } from "./docker_archive/mod.ts";
import { dirTransport } from "./dir/mod.ts";
import { dockerTransport } from "./docker/mod.ts";
import { dockerDaemonTransport } from "./docker_daemon/mod.ts";

/** The known transports by name. Add more with {@linkcode registerTransport}. */
export const transports: Map<string, Transport> = new Map();

/** Makes `transport` known under its name (replacing one of the same name). */
export function registerTransport(transport: Transport): void {
  transports.set(transport.name, transport);
}

for (
  const transport of [
    dockerTransport,
    ociTransport,
    ociArchiveTransport,
    dockerArchiveTransport,
    dirTransport,
    dockerDaemonTransport,
  ]
) {
  registerTransport(transport);
}

/**
 * Parses a transport-qualified reference. Returns `undefined` when `input` does not start
 * with a known transport name and a colon (it is then an image name, e.g.
 * `docker:latest`); the `docker` transport is only taken with `docker://`, and (as in
 * containers/image) its `parse` receives the rest with the leading `//`. A known
 * transport that fails to parse throws its own error.
 */
export function parseImageReference(input: string): ImageReference | undefined {
  const colon = input.indexOf(":");
  if (colon <= 0) return undefined;
  const name = input.slice(0, colon);
  const transport = transports.get(name);
  if (transport === undefined) return undefined;
  const rest = input.slice(colon + 1);
  if (name === "docker" && !rest.startsWith("//")) return undefined;
  return transport.parse(rest);
}
