/**
 * Parsing image references the way containers/image's `docker/reference` does:
 * `Parse`, `ParseNormalizedNamed`, `ParseAnyReference`, `ParseNamed` and `ParseDockerRef`.
 *
 * @module
 */

import { digestProblem, isHex64, matchReference, scanDomain, scanTag } from "./_grammar.ts";
import { invalid } from "./_errors.ts";
import { NAME_TOTAL_LENGTH_MAX } from "./limits.ts";
import {
  type AnyReference,
  DEFAULT_DOMAIN,
  LEGACY_DEFAULT_DOMAIN,
  makeDigestReference,
  makeReference,
  OFFICIAL_REPO_PREFIX,
  type Reference,
} from "./reference.ts";

/**
 * Parses `input` as written, without normalization (docker/reference's `Parse`).
 *
 * The domain is whatever precedes the first `/` when it is a valid host, so `foo/bar` has
 * the domain `foo` and `alpine` has none (`""`). Use {@linkcode parseNormalizedName} for
 * user input; this form is what short-name checks and libimage's `NormalizeName` start from.
 *
 * @example
 * ```ts
 * import { parseReference } from "./mod.ts";
 * const ref = parseReference("foo/bar:1");
 * [ref.domain, ref.path, ref.tag]; // ["foo", "bar", "1"]
 * ```
 *
 * @throws {InvalidReferenceError} `NameEmpty`, `InvalidFormat`, `NameContainsUppercase`,
 * `NameTooLong`, `DigestInvalidFormat`, `DigestInvalidLength` or `DigestUnsupported`.
 */
export function parseReference(input: string): Reference {
  return parseAs(input, input);
}

/**
 * Parses a reference the way Docker understands user input (`ParseNormalizedNamed`):
 * no domain means `docker.io`, one-component Docker Hub names get `library/`,
 * `index.docker.io` becomes `docker.io`. A tag and a digest may both be present and are
 * both kept; no `latest` tag is added (see {@linkcode Reference.tagNameOnly}).
 *
 * A first component counts as a domain when it is `localhost`, or contains `.` or `:`
 * (as containers/image has it: `Foo/bar` and `LOCALHOST/foo` are Docker Hub names, and
 * rejected, since no uppercase letter may come before the first `:` of the rest).
 *
 * @example
 * ```ts
 * import { parseNormalizedName } from "./mod.ts";
 * parseNormalizedName("alpine").toString(); // "docker.io/library/alpine"
 * parseNormalizedName("quay.io/podman/stable:v5").path; // "podman/stable"
 * ```
 *
 * @throws {InvalidReferenceError} `NameEmpty`, `HexIdentifier` (exactly 64 lowercase hex
 * digits, ambiguous with an image ID), `NameContainsUppercase`, `InvalidFormat`,
 * `NameTooLong` (over 255 characters for `domain/path`), or a digest reason.
 */
export function parseNormalizedName(input: string): Reference {
  if (input === "") throw invalid(input, "NameEmpty");
  if (isHex64(input)) throw invalid(input, "HexIdentifier");
  const [domain, remainder] = splitDockerDomain(input);
  const colon = remainder.indexOf(":");
  const remote = colon < 0 ? remainder : remainder.slice(0, colon);
  if (remote.toLowerCase() !== remote) throw invalid(input, "NameContainsUppercase");
  return parseAs(`${domain}/${remainder}`, input);
}

/**
 * Parses an image ID, a digest or a name (`ParseAnyReference`): 64 lowercase hex digits
 * become the digest `sha256:<hex>`, a valid sha256, sha384 or sha512 digest stays a digest, and
 * anything else goes through {@linkcode parseNormalizedName}.
 *
 * @example
 * ```ts
 * import { parseAnyReference } from "./mod.ts";
 * const ref = parseAnyReference("sha256:" + "a".repeat(64));
 * ref.kind; // "digest"
 * ```
 *
 * @throws {InvalidReferenceError} as {@linkcode parseNormalizedName}.
 */
export function parseAnyReference(input: string): AnyReference {
  if (isHex64(input)) return makeDigestReference(`sha256:${input}`);
  if (isValidDigest(input)) return makeDigestReference(input);
  return parseNormalizedName(input);
}

/**
 * Parses a reference that must already be in its full, normalized form (`ParseNamed`):
 * `docker.io/library/alpine` is accepted, `alpine` is not.
 *
 * @throws {InvalidReferenceError} `NotCanonical` when `input` is valid but not normalized,
 * or any reason of {@linkcode parseNormalizedName}.
 */
export function parseNamed(input: string): Reference {
  const ref = parseNormalizedName(input);
  if (ref.toString() !== input) throw invalid(input, "NotCanonical");
  return ref;
}

/**
 * Parses and normalizes like Docker's pull does (`ParseDockerRef`): with both a tag and a
 * digest only the digest is kept; with neither, `latest` is added.
 *
 * @example
 * ```ts
 * import { parseDockerRef } from "./mod.ts";
 * parseDockerRef("busybox").toString(); // "docker.io/library/busybox:latest"
 * ```
 *
 * @throws {InvalidReferenceError} as {@linkcode parseNormalizedName}.
 */
export function parseDockerRef(input: string): Reference {
  const ref = parseNormalizedName(input);
  if (ref.tag !== undefined && ref.digest !== undefined) return ref.withoutTag();
  return ref.tagNameOnly();
}

/** Whether `tag` is a valid tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`. */
export function isValidTag(tag: string): boolean {
  return scanTag(tag, 0, tag.length);
}

/**
 * Whether `domain` is a valid registry host with optional port, as the reference grammar
 * allows it: DNS-like names (any case), IPv4, or a bracketed IPv6 address.
 */
export function isValidDomain(domain: string): boolean {
  return scanDomain(domain, 0, domain.length);
}

/**
 * Whether `digest` is a valid digest of an algorithm go-digest knows, in lowercase hex:
 * `sha256:<64 hex>`, `sha384:<96 hex>` or `sha512:<128 hex>`.
 */
export function isValidDigest(digest: string): boolean {
  return digestProblem(digest) === undefined;
}

/** docker/reference's `Parse` on `s`, reporting errors against `input`. */
function parseAs(s: string, input: string): Reference {
  if (s === "") throw invalid(input, "NameEmpty");
  const parts = matchReference(s);
  if (parts === undefined) {
    const lower = s.toLowerCase();
    if (lower !== s && matchReference(lower) !== undefined) {
      throw invalid(input, "NameContainsUppercase");
    }
    throw invalid(input, "InvalidFormat");
  }
  if (parts.nameEnd > NAME_TOTAL_LENGTH_MAX) throw invalid(input, "NameTooLong");
  if (parts.digest !== undefined) {
    const problem = digestProblem(parts.digest);
    if (problem !== undefined) throw invalid(input, problem);
  }
  return makeReference(parts.domain, parts.path, parts.tag, parts.digest);
}

/** Splits user input into a domain and the rest, defaulting to Docker Hub. */
function splitDockerDomain(name: string): [string, string] {
  const slash = name.indexOf("/");
  if (slash < 0) return [DEFAULT_DOMAIN, OFFICIAL_REPO_PREFIX + name];
  const first = name.slice(0, slash);
  let domain: string;
  let rest: string;
  if (first === LEGACY_DEFAULT_DOMAIN) {
    domain = DEFAULT_DOMAIN;
    rest = name.slice(slash + 1);
  } else if (first === "localhost" || first.includes(".") || first.includes(":")) {
    domain = first;
    rest = name.slice(slash + 1);
  } else {
    domain = DEFAULT_DOMAIN;
    rest = name;
  }
  if (domain === DEFAULT_DOMAIN && !rest.includes("/")) rest = OFFICIAL_REPO_PREFIX + rest;
  return [domain, rest];
}
