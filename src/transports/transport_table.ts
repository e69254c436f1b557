/**
 * The prefix table of transports: `name:rest` goes to the transport called `name`. Each
 * `Runtime` holds its own table (the standard set plus `containers-storage:` over its
 * store); nothing is registered globally. The table imports each transport's
 * `reference.ts` only (names and parsing): a reference imports its source, destination or
 * listing code when it opens one, so code that only names transports (every `Runtime`,
 * `stevedore images`) loads no transport I/O, registry client, tar or compression.
 *
 * @example
 * ```ts
 * import { parseImageReference, standardTransports } from "./transport_table.ts";
 * const table = standardTransports();
 * console.log(table.parse("oci:/tmp/layout:v1")?.toString()); // "oci:/tmp/layout:v1"
 * console.log(table.parse("docker:latest")); // undefined (an image name)
 * console.log(parseImageReference("dir:/tmp/img")?.transport.name); // "dir"
 * ```
 *
 * @module
 */
import type { ImageReference, Transport } from "./types.ts";
import { ociTransport } from "./oci/reference.ts";
import { ociArchiveTransport } from "./oci_archive/reference.ts";
import { dockerArchiveTransport } from "./docker_archive/reference.ts";
import { dirTransport } from "./dir/reference.ts";
import { dockerTransport } from "./docker/reference.ts";
import { dockerDaemonTransport } from "./docker_daemon/reference.ts";

/** Transports by name; immutable: {@linkcode TransportTable.with} makes a new table. */
export class TransportTable {
  readonly #byName: ReadonlyMap<string, Transport>;

  /** A table of `transports`; a later transport replaces an earlier one of the same name. */
  constructor(transports: Iterable<Transport>) {
    const byName = new Map<string, Transport>();
    for (const transport of transports) byName.set(transport.name, transport);
    this.#byName = byName;
  }

  /** The transport called `name`, if any. */
  get(name: string): Transport | undefined {
    return this.#byName.get(name);
  }

  /** Whether a transport is called `name`. */
  has(name: string): boolean {
    return this.#byName.has(name);
  }

  /** The names of the transports, in table order. */
  names(): string[] {
    return [...this.#byName.keys()];
  }

  /** A new table with `transports` added (replacing those of the same names). */
  with(...transports: Transport[]): TransportTable {
    return new TransportTable([...this.#byName.values(), ...transports]);
  }

  /**
   * Parses a transport-qualified reference. Returns `undefined` when `input` does not
   * start with a known transport name and a colon (it is then an image name, e.g.
   * `docker:latest`); the `docker` transport is only taken with `docker://`, and (as in
   * containers/image) its `parse` receives the rest with the leading `//`. A known
   * transport that fails to parse throws its own error.
   */
  parse(input: string): ImageReference | undefined {
    const colon = input.indexOf(":");
    if (colon <= 0) return undefined;
    const name = input.slice(0, colon);
    const transport = this.#byName.get(name);
    if (transport === undefined) return undefined;
    const rest = input.slice(colon + 1);
    if (name === "docker" && !rest.startsWith("//")) return undefined;
    return transport.parse(rest);
  }

  /**
   * Whether `input` names a transport of this table (`name:`, and `docker://` for the
   * `docker` transport) without parsing the rest.
   */
  isQualified(input: string): boolean {
    const colon = input.indexOf(":");
    if (colon <= 0) return false;
    const name = input.slice(0, colon);
    if (!this.#byName.has(name)) return false;
    return name !== "docker" || input.startsWith("docker://");
  }
}

const STANDARD = new TransportTable([
  dockerTransport,
  ociTransport,
  ociArchiveTransport,
  dockerArchiveTransport,
  dirTransport,
  dockerDaemonTransport,
]);

/**
 * The standard transports: `docker://`, `oci:`, `oci-archive:`, `docker-archive:`, `dir:`
 * and `docker-daemon:` (`containers-storage:` needs a store: a `Runtime` adds its own).
 */
export function standardTransports(): TransportTable {
  return STANDARD;
}

/** Parses `input` with the standard transports (see {@linkcode TransportTable.parse}). */
export function parseImageReference(input: string): ImageReference | undefined {
  return STANDARD.parse(input);
}
