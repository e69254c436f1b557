/**
 * What a `docker://` transport can be configured with beyond the {@linkcode TransportContext}:
 * credentials, registry client tuning, and where blobs may be mounted from.
 *
 * @module
 */
import type { CredentialsSource, RegistryClientOptions } from "../../registry/mod.ts";
import { BlobLocations } from "./blob_locations.ts";

/** Options of {@linkcode createDockerTransport}. */
export interface DockerTransportOptions {
  /** Credentials, or a function that finds them for a registry host. @default anonymous */
  credentials?: CredentialsSource;
  /**
   * Repositories of the destination's registry (paths like `library/alpine`) to try a
   * cross-repository mount from before uploading a blob. @default none
   */
  mountFrom?: readonly string[];
  /**
   * Where blobs were seen; sources and destinations of the transport record into it and
   * destinations mount from the repositories it knows. @default a new, per-transport record
   */
  blobLocations?: BlobLocations;
  /**
   * Further registry client options (user agent, retries, timeouts, mirrors). The registry,
   * `fetch`, `tlsVerify`, `signal` and credentials come from the reference, the context and
   * this object. @default none
   */
  client?: Omit<RegistryClientOptions, "registry" | "fetch" | "credentials">;
}

/** The options with defaults filled in. */
export interface ResolvedDockerOptions extends DockerTransportOptions {
  /** Where blobs were seen. */
  blobLocations: BlobLocations;
  /** The context's `uploadChunkSize` (0: one `PUT` a blob). */
  uploadChunkSize?: number;
}

/** Fills the defaults of `options`. */
export function resolveDockerOptions(options: DockerTransportOptions = {}): ResolvedDockerOptions {
  return { ...options, blobLocations: options.blobLocations ?? new BlobLocations() };
}
