/**
 * The parsed forms of an image reference: a named {@linkcode Reference}
 * (`domain/path[:tag][@digest]`) and a digest-only {@linkcode DigestReference}.
 *
 * @module
 */

import { digestProblem, scanDigestShape, scanTag } from "./_grammar.ts";
import { invalid } from "./_errors.ts";

export { NAME_TOTAL_LENGTH_MAX, TAG_LENGTH_MAX } from "./limits.ts";

/** The registry that names without a domain belong to. */
export const DEFAULT_DOMAIN = "docker.io";
/** The old name of Docker Hub, rewritten to {@linkcode DEFAULT_DOMAIN}. */
export const LEGACY_DEFAULT_DOMAIN = "index.docker.io";
/** The namespace of Docker Hub's official images, e.g. `library/alpine`. */
export const OFFICIAL_REPO_PREFIX = "library/";
/** The tag used when a reference has neither tag nor digest. */
export const DEFAULT_TAG = "latest";

/**
 * A named image reference: `domain/path[:tag][@digest]`.
 *
 * Values are immutable; the `with*` methods return new references. Build them with
 * `parseNormalizedName`, `parseReference` or `parseNamed`.
 *
 * @example
 * ```ts
 * import { parseNormalizedName } from "./mod.ts";
 * const ref = parseNormalizedName("alpine:3");
 * ref.toString(); // "docker.io/library/alpine:3"
 * ref.familiarString(); // "alpine:3"
 * ```
 */
export interface Reference {
  /** Tells a named reference from a {@linkcode DigestReference}. */
  readonly kind: "named";
  /**
   * The registry host with optional port, e.g. `docker.io`, `localhost:5000`, `[::1]:5000`.
   * It is `""` only for references from the unnormalized `parseReference` (e.g. `foo`), and
   * in the upstream corner case of a first component that is a valid path but not a valid
   * host (e.g. `my_registry.com/foo`).
   */
  readonly domain: string;
  /** The repository path within the registry, e.g. `library/alpine`. */
  readonly path: string;
  /** The tag, if any. */
  readonly tag: string | undefined;
  /** The digest (`algorithm:hex`), if any. */
  readonly digest: string | undefined;
  /** The repository name: `domain/path` (or just `path` when the domain is empty). */
  readonly name: string;
  /** The full form: `domain/path[:tag][@digest]`. */
  toString(): string;
  /** The same as {@linkcode Reference.toString}, so references serialize as strings. */
  toJSON(): string;
  /** The name as Docker prints it: `alpine`, `user/app`, `localhost:5000/foo`. */
  familiarName(): string;
  /** The reference as Docker prints it: `alpine:3`, `user/app@sha256:…`. */
  familiarString(): string;
  /**
   * This reference with `tag` (a digest, if any, is kept).
   * @throws {InvalidReferenceError} `TagInvalidFormat` when `tag` is not a valid tag.
   */
  withTag(tag: string): Reference;
  /**
   * This reference with `digest` (a tag, if any, is kept).
   * @throws {InvalidReferenceError} `DigestInvalidFormat`, `DigestInvalidLength` or
   * `DigestUnsupported` when `digest` is not a valid sha256 or sha512 digest.
   */
  withDigest(digest: string): Reference;
  /** This reference without its tag and digest (docker/reference's `TrimNamed`). */
  withoutTagOrDigest(): Reference;
  /** This reference without its tag; the digest, if any, is kept. */
  withoutTag(): Reference;
  /** This reference with the `latest` tag when it has neither tag nor digest. */
  tagNameOnly(): Reference;
  /** Whether `other` has the same domain, path, tag and digest. */
  equals(other: Reference): boolean;
}

/**
 * A reference made of a digest only, as `parseAnyReference` returns for `sha256:<hex>` and
 * for a bare 64-hex image ID.
 */
export interface DigestReference {
  /** Tells a digest-only reference from a named {@linkcode Reference}. */
  readonly kind: "digest";
  /** The digest, `algorithm:hex` (a bare ID gets `sha256:` in front). */
  readonly digest: string;
  /** The algorithm part of the digest, e.g. `sha256`. */
  readonly algorithm: string;
  /** The hex part of the digest; for sha256, the image ID. */
  readonly encoded: string;
  /** The digest. */
  toString(): string;
  /** The digest, so references serialize as strings. */
  toJSON(): string;
  /** The digest (there is no shorter form). */
  familiarString(): string;
}

/** Any reference `parseAnyReference` can return. */
export type AnyReference = Reference | DigestReference;

/** The familiar name: Docker Hub's domain dropped, and `library/` for one-component paths. */
function familiarPath(domain: string, path: string): string {
  if (domain !== DEFAULT_DOMAIN) return domain === "" ? path : `${domain}/${path}`;
  if (path.startsWith(OFFICIAL_REPO_PREFIX) && path.indexOf("/", OFFICIAL_REPO_PREFIX.length) < 0) {
    return path.slice(OFFICIAL_REPO_PREFIX.length);
  }
  return path;
}

/** Checks a digest for {@linkcode Reference.withDigest}; throws on a bad one. */
function checkDigest(digest: string): void {
  if (scanDigestShape(digest, 0, digest.length) < 0) throw invalid(digest, "DigestInvalidFormat");
  const problem = digestProblem(digest);
  if (problem !== undefined) throw invalid(digest, problem);
}

/** The one implementation of {@linkcode Reference}; its fields are trusted to be valid. */
class NamedReference implements Reference {
  readonly kind = "named" as const;
  readonly domain: string;
  readonly path: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;

  constructor(domain: string, path: string, tag: string | undefined, digest: string | undefined) {
    this.domain = domain;
    this.path = path;
    this.tag = tag;
    this.digest = digest;
  }

  get name(): string {
    return this.domain === "" ? this.path : `${this.domain}/${this.path}`;
  }

  toString(): string {
    return withSuffix(this.name, this.tag, this.digest);
  }

  toJSON(): string {
    return this.toString();
  }

  familiarName(): string {
    return familiarPath(this.domain, this.path);
  }

  familiarString(): string {
    return withSuffix(this.familiarName(), this.tag, this.digest);
  }

  withTag(tag: string): Reference {
    if (!scanTag(tag, 0, tag.length)) throw invalid(tag, "TagInvalidFormat");
    return new NamedReference(this.domain, this.path, tag, this.digest);
  }

  withDigest(digest: string): Reference {
    checkDigest(digest);
    return new NamedReference(this.domain, this.path, this.tag, digest);
  }

  withoutTagOrDigest(): Reference {
    if (this.tag === undefined && this.digest === undefined) return this;
    return new NamedReference(this.domain, this.path, undefined, undefined);
  }

  withoutTag(): Reference {
    if (this.tag === undefined) return this;
    return new NamedReference(this.domain, this.path, undefined, this.digest);
  }

  tagNameOnly(): Reference {
    if (this.tag !== undefined || this.digest !== undefined) return this;
    return new NamedReference(this.domain, this.path, DEFAULT_TAG, undefined);
  }

  equals(other: Reference): boolean {
    return this.domain === other.domain && this.path === other.path &&
      this.tag === other.tag && this.digest === other.digest;
  }
}

/** The one implementation of {@linkcode DigestReference}. */
class DigestOnlyReference implements DigestReference {
  readonly kind = "digest" as const;
  readonly digest: string;

  constructor(digest: string) {
    this.digest = digest;
  }

  get algorithm(): string {
    return this.digest.slice(0, this.digest.indexOf(":"));
  }

  get encoded(): string {
    return this.digest.slice(this.digest.indexOf(":") + 1);
  }

  toString(): string {
    return this.digest;
  }

  toJSON(): string {
    return this.digest;
  }

  familiarString(): string {
    return this.digest;
  }
}

function withSuffix(name: string, tag: string | undefined, digest: string | undefined): string {
  let s = name;
  if (tag !== undefined) s += `:${tag}`;
  if (digest !== undefined) s += `@${digest}`;
  return s;
}

/** Builds a reference from parts the caller has already validated (internal). */
export function makeReference(
  domain: string,
  path: string,
  tag: string | undefined,
  digest: string | undefined,
): Reference {
  return new NamedReference(domain, path, tag, digest);
}

/** Builds a digest-only reference from a validated digest (internal). */
export function makeDigestReference(digest: string): DigestReference {
  return new DigestOnlyReference(digest);
}

/** Whether `value` is a reference built by this module. */
export function isReference(value: unknown): value is Reference {
  return value instanceof NamedReference;
}

/** Whether `value` is a digest-only reference built by this module. */
export function isDigestReference(value: unknown): value is DigestReference {
  return value instanceof DigestOnlyReference;
}

/**
 * The reference as Docker prints it (docker/reference's `FamiliarString`): Docker Hub's
 * domain and `library/` are dropped; a digest-only reference prints as its digest.
 *
 * @example
 * ```ts
 * import { familiarString, parseNormalizedName } from "./mod.ts";
 * familiarString(parseNormalizedName("docker.io/library/redis:7")); // "redis:7"
 * ```
 */
export function familiarString(ref: AnyReference): string {
  return ref.familiarString();
}

/** The repository name as Docker prints it (docker/reference's `FamiliarName`). */
export function familiarName(ref: Reference): string {
  return ref.familiarName();
}

/** `ref` with the `latest` tag when it has neither tag nor digest (`TagNameOnly`). */
export function tagNameOnly(ref: Reference): Reference {
  return ref.tagNameOnly();
}

/** `ref` without its tag and digest (`TrimNamed`). */
export function trimNamed(ref: Reference): Reference {
  return ref.withoutTagOrDigest();
}
