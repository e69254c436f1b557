/**
 * Every error class stevedore throws on purpose, in one place.
 *
 * Each error carries a stable `code` (for programs) and an `httpStatus` (for the HTTP
 * server), and chains its underlying failure through `cause`. Messages follow the form
 * `Cannot <action> "<input>": <reason>`.
 *
 * The package root exports the base class, the codes and the errors programs catch most;
 * this entry has every class.
 *
 * @example Tell failures apart by class or by code
 * ```ts
 * import { InvalidReferenceError, StevedoreError } from "./errors.ts";
 *
 * const error: unknown = new InvalidReferenceError("Alpine", "NameContainsUppercase", "uppercase");
 * if (error instanceof StevedoreError && error.code === "InvalidReference") {
 *   console.log(error.httpStatus, error.message); // 400 Cannot parse reference "Alpine": uppercase
 * }
 * ```
 *
 * @module
 */

/**
 * The stable code of each error class: the class name without `Error`
 * (`ImageNotFoundError` has `"ImageNotFound"`). Programs switch on it; it never changes.
 */
export type ErrorCode =
  | "InvalidReference"
  | "InvalidDigest"
  | "DigestMismatch"
  | "Compression"
  | "Config"
  | "ShortName"
  | "InvalidManifest"
  | "InvalidPlatform"
  | "ImageNotFound"
  | "ManifestUnknown"
  | "BlobUnknown"
  | "Unauthorized"
  | "Denied"
  | "Registry"
  | "Corrupted"
  | "UnsupportedTransport"
  | "InvalidArchive"
  | "TooLarge"
  | "InvalidPullPolicy"
  | "StoreLocked"
  | "CredentialHelper"
  | "ManifestConversion"
  | "InvalidFilter"
  | "ImageConflict"
  | "Tag"
  | "Pull"
  | "NotAManifestList"
  | "ArtifactFile"
  | "Load"
  | "Search"
  | "Policy"
  | "ImageRejected"
  | "Signature"
  | "Key"
  | "Signing";

/** Options every stevedore error accepts besides its message. */
export interface StevedoreErrorOptions {
  /** The underlying failure, if any. */
  cause?: unknown;
}

/** The base class of all stevedore errors; catch it to catch them all. */
export class StevedoreError extends Error {
  /** A stable identifier of the kind of failure, e.g. `"ImageNotFound"`. */
  readonly code: ErrorCode;
  /** The HTTP status the server answers with for this error. */
  readonly httpStatus: number;

  /** Builds an error with a code, an HTTP status and a message. */
  constructor(
    code: ErrorCode,
    httpStatus: number,
    message: string,
    options?: StevedoreErrorOptions,
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.httpStatus = httpStatus;
  }
}

/** Why an image reference did not parse; mirrors docker/reference's error values. */
export type InvalidReferenceReason =
  | "InvalidFormat"
  | "NameContainsUppercase"
  | "NameTooLong"
  | "NameEmpty"
  | "TagInvalidFormat"
  | "DigestInvalidFormat"
  | "DigestInvalidLength"
  | "DigestUnsupported"
  | "HexIdentifier"
  | "NotCanonical"
  | "NotNormalized";

/** An image reference (name, tag, digest) that does not follow the grammar. */
export class InvalidReferenceError extends StevedoreError {
  /** The string that was being parsed. */
  readonly input: string;
  /** Which rule it broke. */
  readonly reason: InvalidReferenceReason;

  /** Builds the error for `input`, broken by `reason`, with a human `detail`. */
  constructor(
    input: string,
    reason: InvalidReferenceReason,
    detail: string,
    options?: StevedoreErrorOptions,
  ) {
    super(
      "InvalidReference",
      400,
      `Cannot parse reference "${input}": ${detail}`,
      options,
    );
    this.input = input;
    this.reason = reason;
  }
}

/** Why a digest string did not parse. */
export type InvalidDigestReason =
  | "InvalidFormat"
  | "UnsupportedAlgorithm"
  | "InvalidLength"
  | "InvalidHex";

/** A digest string (`algorithm:hex`) that is malformed or uses an unknown algorithm. */
export class InvalidDigestError extends StevedoreError {
  /** The string that was being parsed. */
  readonly input: string;
  /** Which rule it broke. */
  readonly reason: InvalidDigestReason;

  /** Builds the error for `input`, broken by `reason`, with a human `detail`. */
  constructor(input: string, reason: InvalidDigestReason, detail: string) {
    super("InvalidDigest", 400, `Cannot parse digest "${input}": ${detail}`);
    this.input = input;
    this.reason = reason;
  }
}

/** Content whose digest or size differs from what was expected. */
export class DigestMismatchError extends StevedoreError {
  /** The digest that was expected. */
  readonly expected: string;
  /** The digest of what was actually read. */
  readonly actual: string;
  /** How many bytes were read. */
  readonly bytesRead: number;
  /** The size that was expected, if one was given. */
  readonly expectedSize: number | undefined;

  /** Builds the error; `what` names the content (e.g. a blob or a URL). */
  constructor(
    what: string,
    expected: string,
    actual: string,
    bytesRead: number,
    expectedSize?: number,
  ) {
    const sizeNote = expectedSize !== undefined && expectedSize !== bytesRead
      ? `; expected ${expectedSize} bytes, read ${bytesRead}`
      : `; read ${bytesRead} bytes`;
    super(
      "DigestMismatch",
      400,
      `Cannot verify "${what}": expected digest ${expected}, got ${actual}${sizeNote}`,
    );
    this.expected = expected;
    this.actual = actual;
    this.bytesRead = bytesRead;
    this.expectedSize = expectedSize;
  }
}

/** Why compressed data could not be decoded. */
export type CompressionErrorReason =
  | "BadHeader"
  | "BadBlock"
  | "BadChecksum"
  | "BadLength"
  | "Truncated"
  | "TrailingGarbage"
  | "Unsupported";

/** Compressed data (gzip, deflate, zstd) that is malformed, truncated or unsupported. */
export class CompressionError extends StevedoreError {
  /** What was wrong with the data. */
  readonly reason: CompressionErrorReason;

  /** Builds the error; `what` names the data being decoded. */
  constructor(
    what: string,
    reason: CompressionErrorReason,
    detail: string,
    options?: StevedoreErrorOptions,
  ) {
    super("Compression", 400, `Cannot decompress "${what}": ${detail}`, options);
    this.reason = reason;
  }
}

/** A configuration file (registries.conf, auth.json, ...) that cannot be used. */
export class ConfigError extends StevedoreError {
  /** The file at fault. */
  readonly file: string;
  /** The 1-based line at fault, when known. */
  readonly line: number | undefined;

  /** Builds the error for `file` (and `line`, when known). */
  constructor(
    file: string,
    detail: string,
    line?: number,
    options?: StevedoreErrorOptions,
  ) {
    const where = line === undefined ? file : `${file}:${line}`;
    super("Config", 500, `Cannot read config "${where}": ${detail}`, options);
    this.file = file;
    this.line = line;
  }
}

/** A short name that cannot be resolved to a fully-qualified one. */
export class ShortNameError extends StevedoreError {
  /** The short name. */
  readonly input: string;

  /** Builds the error for the short name `input`. */
  constructor(input: string, detail: string, options?: StevedoreErrorOptions) {
    super("ShortName", 400, detail, options);
    this.input = input;
  }
}

/** A manifest, index or config that is malformed or exceeds limits. */
export class InvalidManifestError extends StevedoreError {
  /** Builds the error; `what` names the document (a reference or a digest). */
  constructor(what: string, detail: string, options?: StevedoreErrorOptions) {
    super("InvalidManifest", 400, `Cannot parse manifest "${what}": ${detail}`, options);
  }
}

/** A platform string (`os/arch[/variant]`) that does not parse. */
export class InvalidPlatformError extends StevedoreError {
  /** The string that was being parsed. */
  readonly input: string;

  /** Builds the error for `input`. */
  constructor(input: string, detail: string) {
    super("InvalidPlatform", 400, `Cannot parse platform "${input}": ${detail}`);
    this.input = input;
  }
}

/** No image in the store matches a name, ID or digest. */
export class ImageNotFoundError extends StevedoreError {
  /** The name, ID or digest looked up. */
  readonly input: string;

  /** Builds the error for `input`. */
  constructor(input: string, options?: StevedoreErrorOptions) {
    super("ImageNotFound", 404, `${input}: image not known`, options);
    this.input = input;
  }
}

/** A registry or source has no manifest for a reference. */
export class ManifestUnknownError extends StevedoreError {
  /**
   * Builds the error for the reference `what`; `detail` is what the registry said (in
   * podman's words, e.g. "manifest unknown: manifest unknown").
   */
  constructor(what: string, options?: StevedoreErrorOptions, detail?: string) {
    super(
      "ManifestUnknown",
      404,
      `Cannot find manifest "${what}"${detail ? `: ${detail}` : ""}`,
      options,
    );
  }
}

/** A registry or source has no blob for a digest. */
export class BlobUnknownError extends StevedoreError {
  /** Builds the error for the blob `what`; `detail` is what the registry said. */
  constructor(what: string, options?: StevedoreErrorOptions, detail?: string) {
    super("BlobUnknown", 404, `Cannot find blob "${what}"${detail ? `: ${detail}` : ""}`, options);
  }
}

/** Credentials are missing or were refused. */
export class UnauthorizedError extends StevedoreError {
  /** Builds the error for the resource `what`. */
  constructor(what: string, detail: string, options?: StevedoreErrorOptions) {
    super("Unauthorized", 401, `Cannot access "${what}": ${detail}`, options);
  }
}

/** Credentials were accepted but the action is not allowed. */
export class DeniedError extends StevedoreError {
  /** Builds the error for the resource `what`. */
  constructor(what: string, detail: string, options?: StevedoreErrorOptions) {
    super("Denied", 403, `Cannot access "${what}": ${detail}`, options);
  }
}

/** A registry answered in a way that is neither success nor a known error. */
export class RegistryError extends StevedoreError {
  /** The HTTP status the registry answered, or 0 when the connection failed. */
  readonly status: number;

  /** Builds the error for the request `what`. */
  constructor(what: string, status: number, detail: string, options?: StevedoreErrorOptions) {
    super("Registry", 502, `Cannot complete "${what}": ${detail}`, options);
    this.status = status;
  }
}

/** A local image or blob is damaged or incomplete. */
export class CorruptedError extends StevedoreError {
  /** Builds the error for the image or blob `what`. */
  constructor(what: string, detail: string, options?: StevedoreErrorOptions) {
    super("Corrupted", 500, `Cannot use "${what}": ${detail}`, options);
  }
}

/** A transport name that is not known, or not allowed for the operation. */
export class UnsupportedTransportError extends StevedoreError {
  /** Builds the error for `input`. */
  constructor(input: string, detail: string) {
    super("UnsupportedTransport", 400, `Cannot use "${input}": ${detail}`);
  }
}

/** Why an archive was refused. */
export type InvalidArchiveReason =
  | "PathEscape"
  | "LinkEscape"
  | "Truncated"
  | "BadHeader"
  | "Duplicate"
  | "Missing"
  | "TooLarge"
  | "Format";

/** A tar or archive layout that is malformed or hostile. */
export class InvalidArchiveError extends StevedoreError {
  /** What was wrong with it. */
  readonly reason: InvalidArchiveReason;

  /** Builds the error; `what` names the archive (and entry). */
  constructor(
    what: string,
    reason: InvalidArchiveReason,
    detail: string,
    options?: StevedoreErrorOptions,
  ) {
    super("InvalidArchive", 400, `Cannot read archive "${what}": ${detail}`, options);
    this.reason = reason;
  }
}

/**
 * An input over a documented cap: an archive entry read whole that is too big, more bytes
 * than a load or import may write, or more images than an archive may hold. `input` names
 * the entry or payload, `limit` is the cap that was hit.
 */
export class TooLargeError extends StevedoreError {
  /** The entry or payload that is too large. */
  readonly input: string;
  /** The cap, in the unit `detail` names (bytes or images). */
  readonly limit: number;

  /** Builds the error for `input`, over `limit`; `detail` says what was counted. */
  constructor(input: string, limit: number, detail: string, options?: StevedoreErrorOptions) {
    super("TooLarge", 413, `Cannot read "${input}": ${detail} (the limit is ${limit})`, options);
    this.input = input;
    this.limit = limit;
  }
}

/** A pull policy string that is not one of the supported ones. */
export class InvalidPullPolicyError extends StevedoreError {
  /** Builds the error for `input`. */
  constructor(input: string) {
    super("InvalidPullPolicy", 400, `Cannot use pull policy "${input}": unsupported pull policy`);
  }
}

/** The store's lock could not be taken in time. */
export class StoreLockedError extends StevedoreError {
  /** Builds the error for the store at `root`. */
  constructor(root: string, detail: string) {
    super("StoreLocked", 503, `Cannot lock store "${root}": ${detail}`);
  }
}

/** A `docker-credential-<name>` helper that could not be run or reported a failure. */
export class CredentialHelperError extends StevedoreError {
  /** The helper's name (without the `docker-credential-` prefix). */
  readonly helper: string;
  /** The helper's trimmed output (stdout, else stderr); empty when it did not run. */
  readonly output: string;
  /** The exit code, or undefined when the helper did not run (e.g. not installed). */
  readonly exitCode: number | undefined;

  /** Builds the error for helper `helper` running `action`. */
  constructor(
    helper: string,
    action: string,
    output: string,
    exitCode: number | undefined,
    options?: StevedoreErrorOptions,
  ) {
    const reason = exitCode === undefined
      ? (options?.cause instanceof Error ? options.cause.message : "it did not run")
      : `exit status ${exitCode}${output === "" ? "" : `: ${output}`}`;
    super(
      "CredentialHelper",
      500,
      `Cannot ${action} credentials with "docker-credential-${helper}": ${reason}`,
      options,
    );
    this.helper = helper;
    this.output = output;
    this.exitCode = exitCode;
  }
}

/** A manifest or index that cannot be expressed in the requested format. */
export class ManifestConversionError extends StevedoreError {
  /** The media type the conversion was asked to produce. */
  readonly target: string;

  /** Builds the error; `what` names the document, `target` the requested media type. */
  constructor(what: string, target: string, detail: string) {
    super("ManifestConversion", 400, `Cannot convert manifest "${what}" to "${target}": ${detail}`);
    this.target = target;
  }
}

/** An image filter (`key=value` or `key!=value`) that is malformed or unsupported. */
export class InvalidFilterError extends StevedoreError {
  /** The filter as given. */
  readonly input: string;

  /** Builds the error for the filter `input`. */
  constructor(input: string, detail: string, options?: StevedoreErrorOptions) {
    super("InvalidFilter", 400, `Cannot use filter "${input}": ${detail}`, options);
    this.input = input;
  }
}

/** An image that cannot be removed or changed in its current state (read-only, in use, tags). */
export class ImageConflictError extends StevedoreError {
  /** The image ID. */
  readonly imageId: string;

  /** Builds the error for `action` (e.g. "remove image") on the image `imageId`. */
  constructor(action: string, imageId: string, detail: string, options?: StevedoreErrorOptions) {
    super("ImageConflict", 409, `Cannot ${action} "${imageId}": ${detail}`, options);
    this.imageId = imageId;
  }
}

/** A tag or untag request that is not allowed (by ID, by digest, or an unknown tag). */
export class TagError extends StevedoreError {
  /** The name given. */
  readonly input: string;

  /**
   * Builds the error for `action` ("tag" or "untag") with the name `input`; `httpStatus`
   * is 404 for a tag the image does not have.
   */
  constructor(action: "tag" | "untag", input: string, detail: string, httpStatus = 400) {
    super("Tag", httpStatus, `Cannot ${action} "${input}": ${detail}`);
    this.input = input;
  }
}

/** Every pull candidate failed; `errors` holds each candidate's failure, in order. */
export class PullError extends StevedoreError {
  /** The failures, one per candidate tried. */
  readonly errors: unknown[];

  /** Builds the error for the pull of `input` from the candidates' `errors`. */
  constructor(input: string, errors: unknown[]) {
    const lines = errors.map((e) => `\n * ${e instanceof Error ? e.message : String(e)}`);
    super(
      "Pull",
      500,
      `Cannot pull "${input}": ${errors.length} errors occurred while pulling:${lines.join("")}`,
      { cause: errors[0] },
    );
    this.errors = errors;
  }
}

/** An image that was asked for as a manifest list but is a single image. */
export class NotAManifestListError extends StevedoreError {
  /** The name given. */
  readonly input: string;

  /** Builds the error for `action` (e.g. "look up manifest list") on `input`. */
  constructor(action: string, input: string, options?: StevedoreErrorOptions) {
    super(
      "NotAManifestList",
      400,
      `Cannot ${action} "${input}": image is not a manifest list`,
      options,
    );
    this.input = input;
  }
}

/** A file given for an artifact manifest that cannot be read (missing, not a regular file). */
export class ArtifactFileError extends StevedoreError {
  /** The file as given. */
  readonly path: string;

  /** Builds the error for the file `path`. */
  constructor(path: string, detail: string, options?: StevedoreErrorOptions) {
    super("ArtifactFile", 400, `Cannot add artifact file "${path}": ${detail}`, options);
    this.path = path;
  }
}

/** A payload no supported image format could load; `errors` holds each format's failure. */
export class LoadError extends StevedoreError {
  /** The failures, one per format tried, in order. */
  readonly errors: { format: string; error: unknown }[];

  /** Builds the error for the payload `input` from the formats' failures. */
  constructor(input: string, errors: { format: string; error: unknown }[]) {
    const lines = errors.map(({ format, error }) =>
      `\n * ${format}: ${error instanceof Error ? error.message : String(error)}`
    );
    super(
      "Load",
      400,
      `Cannot load "${input}": payload does not match any of the supported image formats:${
        lines.join("")
      }`,
      { cause: errors[0]?.error },
    );
    this.errors = errors;
  }
}

/** Every registry searched failed; `errors` holds each registry's failure, in order. */
export class SearchError extends StevedoreError {
  /** The failures, one per registry. */
  readonly errors: unknown[];

  /** Builds the error for the search `term` from the registries' `errors`. */
  constructor(term: string, errors: unknown[]) {
    const lines = errors.map((e) => `\n * ${e instanceof Error ? e.message : String(e)}`);
    super(
      "Search",
      502,
      `Cannot search "${term}": ${errors.length} errors occurred:${lines.join("")}`,
      { cause: errors[0] },
    );
    this.errors = errors;
  }
}

/** A signature policy file (containers-policy.json(5)) that is malformed or invalid. */
export class PolicyError extends StevedoreError {
  /** The policy file (or `"(policy)"` for a policy given as data). */
  readonly file: string;

  /** Builds the error for the policy `file`, broken as `detail` says. */
  constructor(file: string, detail: string, options?: StevedoreErrorOptions) {
    super("Policy", 500, `Cannot read signature policy "${file}": ${detail}`, options);
    this.file = file;
  }
}

/** The signature policy did not accept the source image; containers/image's words. */
export class ImageRejectedError extends StevedoreError {
  /** The transport-qualified source reference, e.g. `docker://host/app:1`. */
  readonly reference: string;
  /** Why the policy rejected it. */
  readonly reason: string;

  /** Builds the error for the source `reference`, rejected because of `reason`. */
  constructor(reference: string, reason: string, options?: StevedoreErrorOptions) {
    super("ImageRejected", 403, `Source image rejected: ${reason}`, options);
    this.reference = reference;
    this.reason = reason;
  }
}

/** Signatures that cannot be read: unreachable lookaside, too large, too many. */
export class SignatureError extends StevedoreError {
  /** Where the signature was read from (a URL, a path or a reference). */
  readonly location: string;

  /** Builds the error for `location`. */
  constructor(location: string, detail: string, options?: StevedoreErrorOptions) {
    super("Signature", 502, `Cannot read signatures "${location}": ${detail}`, options);
    this.location = location;
  }
}

/** A key (file or data) in the wrong format, or a passphrase that does not open it. */
export class KeyError extends StevedoreError {
  /** The key file, or a description of the key data. */
  readonly key: string;

  /** Builds the error for the key `key`. */
  constructor(key: string, detail: string, options?: StevedoreErrorOptions) {
    super("Key", 400, `Cannot use key "${key}": ${detail}`, options);
    this.key = key;
  }
}

/** Creating or storing a signature failed. */
export class SigningError extends StevedoreError {
  /** The image (a reference) that was being signed. */
  readonly reference: string;

  /** Builds the error for the image `reference`. */
  constructor(reference: string, detail: string, options?: StevedoreErrorOptions) {
    super("Signing", 500, `Cannot sign "${reference}": ${detail}`, options);
    this.reference = reference;
  }
}
