/**
 * Content descriptors and platforms, as the OCI image spec defines them.
 *
 * @module
 */
import { MediaType } from "./media_types.ts";

/** The platform an image runs on, as written in an index entry or a config. */
export interface Platform {
  /** The CPU architecture, in Go's `GOARCH` spelling (`amd64`, `arm64`, `s390x`, ...). */
  architecture: string;
  /** The operating system, in Go's `GOOS` spelling (`linux`, `windows`, ...). */
  os: string;
  /** The operating system version (Windows: `10.0.20348.1234`). */
  "os.version"?: string;
  /** Operating system features the image needs (Windows: `win32k`). */
  "os.features"?: string[];
  /** The CPU variant (`v7` for arm, `v8` for arm64, `v2`...`v4` for amd64). */
  variant?: string;
  /** Reserved by the OCI spec; Docker lists may carry CPU features here. */
  features?: string[];
}

/** A reference to content: its media type, digest and size, and optional extras. */
export interface Descriptor {
  /** The media type of the referenced content. */
  mediaType: string;
  /** The digest of the referenced content, `algorithm:hex`. */
  digest: string;
  /** The size of the referenced content in bytes. */
  size: number;
  /** Locations the content may also be downloaded from (foreign layers). */
  urls?: string[];
  /** Arbitrary metadata. */
  annotations?: Record<string, string>;
  /** The content itself, base64-encoded, for small blobs. */
  data?: string;
  /** The platform of a manifest referenced from an index. */
  platform?: Platform;
  /** The artifact type of a referenced artifact manifest. */
  artifactType?: string;
}

/** The digest of the two bytes `{}` that the OCI empty descriptor refers to. */
export const EMPTY_JSON_DIGEST =
  "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

/**
 * The OCI empty descriptor: the JSON `{}` as a blob, used as the config (or only layer)
 * of artifacts that need none.
 */
export const EMPTY_DESCRIPTOR: Readonly<Descriptor> = Object.freeze({
  mediaType: MediaType.OciEmpty,
  digest: EMPTY_JSON_DIGEST,
  size: 2,
  data: "e30=",
});
