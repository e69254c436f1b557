/**
 * Character-level scanners for the Docker reference grammar (no regular expressions, so no
 * backtracking): domains, repository paths, tags and digests.
 *
 * Grammar (after distribution/reference, as used by containers/image):
 *
 * ```
 * reference   := name [ ":" tag ] [ "@" digest ]
 * name        := [ domain "/" ] path
 * domain      := host [ ":" port ]
 * host        := domain-name | "[" ipv6 "]"
 * domain-name := component ( "." component )*       component := [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?
 * ipv6        := [a-fA-F0-9:]+                        port := [0-9]+
 * path        := path-comp ( "/" path-comp )*
 * path-comp   := [a-z0-9]+ ( separator [a-z0-9]+ )*   separator := "." | "_" | "__" | "-"+
 * tag         := [\w][\w.-]{0,127}
 * digest      := algorithm ":" [0-9a-fA-F]{32,}
 * algorithm   := [A-Za-z][A-Za-z0-9]* ( [-_+.] [A-Za-z][A-Za-z0-9]* )*
 * ```
 *
 * @module
 */

import type { InvalidReferenceReason } from "../errors.ts";

import { TAG_LENGTH_MAX } from "./limits.ts";

const SLASH = 0x2f;
const COLON = 0x3a;
const AT = 0x40;
const DOT = 0x2e;
const DASH = 0x2d;
const UNDERSCORE = 0x5f;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isLowerAlnum(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
}

function isAlpha(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

function isAlnum(c: number): boolean {
  return isAlpha(c) || isDigit(c);
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

function isLowerHex(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66);
}

function isWord(c: number): boolean {
  return isAlnum(c) || c === UNDERSCORE;
}

/** Whether `s[start, end)` is a port: one or more decimal digits. */
function scanPort(s: string, start: number, end: number): boolean {
  if (start >= end) return false;
  for (let i = start; i < end; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

/** Whether `s[start, end)` is a domain with an optional port (see the module grammar). */
export function scanDomain(s: string, start: number, end: number): boolean {
  if (start >= end) return false;
  let i = start;
  if (s.charCodeAt(i) === OPEN_BRACKET) {
    i++;
    const first = i;
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c === CLOSE_BRACKET) break;
      if (!isHex(c) && c !== COLON) return false;
      i++;
    }
    if (i >= end || i === first) return false; // no "]" or nothing inside
    i++;
  } else {
    // domain-name: components of alphanumerics with inner dashes, separated by single dots.
    for (;;) {
      if (i >= end || !isAlnum(s.charCodeAt(i))) return false;
      let last = s.charCodeAt(i);
      i++;
      while (i < end) {
        const c = s.charCodeAt(i);
        if (!isAlnum(c) && c !== DASH) break;
        last = c;
        i++;
      }
      if (last === DASH) return false;
      if (i < end && s.charCodeAt(i) === DOT) {
        i++;
        continue;
      }
      break;
    }
  }
  if (i === end) return true;
  return s.charCodeAt(i) === COLON && scanPort(s, i + 1, end);
}

/** Whether `s[start, end)` is a repository path (slash-separated path components). */
export function scanPath(s: string, start: number, end: number): boolean {
  let i = start;
  for (;;) {
    // One path component: alnum runs joined by ".", "_", "__" or any number of "-".
    if (i >= end || !isLowerAlnum(s.charCodeAt(i))) return false;
    i++;
    while (i < end) {
      const c = s.charCodeAt(i);
      if (isLowerAlnum(c)) {
        i++;
      } else if (c === DOT) {
        i++;
        if (i >= end || !isLowerAlnum(s.charCodeAt(i))) return false;
      } else if (c === UNDERSCORE) {
        i++;
        if (i < end && s.charCodeAt(i) === UNDERSCORE) i++;
        if (i >= end || !isLowerAlnum(s.charCodeAt(i))) return false;
      } else if (c === DASH) {
        while (i < end && s.charCodeAt(i) === DASH) i++;
        if (i >= end || !isLowerAlnum(s.charCodeAt(i))) return false;
      } else {
        break;
      }
    }
    if (i === end) return true;
    if (s.charCodeAt(i) !== SLASH) return false;
    i++;
  }
}

/** Whether `s[start, end)` is a tag: a word character then up to 127 of `[\w.-]`. */
export function scanTag(s: string, start: number, end: number): boolean {
  const length = end - start;
  if (length < 1 || length > TAG_LENGTH_MAX) return false;
  if (!isWord(s.charCodeAt(start))) return false;
  for (let i = start + 1; i < end; i++) {
    const c = s.charCodeAt(i);
    if (!isWord(c) && c !== DOT && c !== DASH) return false;
  }
  return true;
}

/**
 * Whether `s[start, end)` has the shape the reference grammar allows for a digest
 * (`algorithm:hex`, at least 32 hex digits). Returns the index of the `:` or -1.
 */
export function scanDigestShape(s: string, start: number, end: number): number {
  let i = start;
  for (;;) {
    if (i >= end || !isAlpha(s.charCodeAt(i))) return -1;
    i++;
    while (i < end && isAlnum(s.charCodeAt(i))) i++;
    if (i >= end) return -1;
    const c = s.charCodeAt(i);
    if (c === COLON) break;
    if (c !== DASH && c !== UNDERSCORE && c !== 0x2b /* + */ && c !== DOT) return -1;
    i++;
  }
  const colon = i;
  if (end - colon - 1 < 32) return -1;
  for (let j = colon + 1; j < end; j++) if (!isHex(s.charCodeAt(j))) return -1;
  return colon;
}

/** Hex lengths of the digest algorithms go-digest registers (sha256, sha384, sha512). */
const DIGEST_HEX_LENGTHS: ReadonlyMap<string, number> = new Map([
  ["sha256", 64],
  ["sha384", 96],
  ["sha512", 128],
]);

/**
 * Validates a digest the way go-digest's `Parse` does, for the algorithms it knows.
 * Returns why it is invalid, or `undefined` when it is valid.
 */
export function digestProblem(digest: string): InvalidReferenceReason | undefined {
  const colon = digest.indexOf(":");
  if (colon < 0 || colon === digest.length - 1) return "DigestInvalidFormat";
  const algorithm = digest.slice(0, colon);
  const expected = DIGEST_HEX_LENGTHS.get(algorithm);
  if (expected === undefined) {
    return isLooseDigest(digest, colon) ? "DigestUnsupported" : "DigestInvalidFormat";
  }
  if (digest.length - colon - 1 !== expected) return "DigestInvalidLength";
  for (let i = colon + 1; i < digest.length; i++) {
    if (!isLowerHex(digest.charCodeAt(i))) return "DigestInvalidFormat";
  }
  return undefined;
}

/** go-digest's general digest shape: `[a-z0-9]+([.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+`. */
function isLooseDigest(s: string, colon: number): boolean {
  let i = 0;
  for (;;) {
    if (i >= colon || !isLowerAlnum(s.charCodeAt(i))) return false;
    while (i < colon && isLowerAlnum(s.charCodeAt(i))) i++;
    if (i === colon) break;
    const c = s.charCodeAt(i);
    if (c !== DOT && c !== 0x2b && c !== UNDERSCORE && c !== DASH) return false;
    i++;
  }
  for (let j = colon + 1; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (!isAlnum(c) && c !== 0x3d /* = */ && c !== UNDERSCORE && c !== DASH) return false;
  }
  return colon + 1 < s.length;
}

/** Whether `s` is exactly 64 lowercase hex digits (a full image ID). */
export function isHex64(s: string): boolean {
  if (s.length !== 64) return false;
  for (let i = 0; i < 64; i++) if (!isLowerHex(s.charCodeAt(i))) return false;
  return true;
}

/** Whether `s` is 1 to 64 lowercase hex digits. */
export function isLowerHexUpTo64(s: string): boolean {
  if (s.length === 0 || s.length > 64) return false;
  for (let i = 0; i < s.length; i++) if (!isLowerHex(s.charCodeAt(i))) return false;
  return true;
}

/** The pieces of a reference string, before any digest validation. */
export interface ReferenceParts {
  /** The domain, or `""` when the grammar found none. */
  domain: string;
  /** The repository path. */
  path: string;
  /** Where the name (`domain/path`) ends in the input. */
  nameEnd: number;
  /** The tag, if any. */
  tag: string | undefined;
  /** The digest, if any (shape-checked only). */
  digest: string | undefined;
}

/**
 * Splits `s` into name, tag and digest following the grammar, or returns `undefined`.
 *
 * The grammar tries a domain first (the text before the first `/`, if it is a valid
 * domain); when that fails it reads the whole name as a path, exactly as the upstream
 * regular expression does with its leftmost-first preference.
 */
export function matchReference(s: string): ReferenceParts | undefined {
  const slash = s.indexOf("/");
  if (slash > 0 && scanDomain(s, 0, slash)) {
    const parts = matchRemainder(s, slash + 1);
    if (parts !== undefined) {
      parts.domain = s.slice(0, slash);
      parts.path = s.slice(slash + 1, parts.nameEnd);
      return parts;
    }
  }
  const parts = matchRemainder(s, 0);
  if (parts !== undefined) parts.path = s.slice(0, parts.nameEnd);
  return parts;
}

/** Matches `path [":" tag] ["@" digest]` from `start` to the end of `s`. */
function matchRemainder(s: string, start: number): ReferenceParts | undefined {
  const end = s.length;
  let nameEnd = start;
  while (nameEnd < end) {
    const c = s.charCodeAt(nameEnd);
    if (c === COLON || c === AT) break;
    nameEnd++;
  }
  if (!scanPath(s, start, nameEnd)) return undefined;
  let i = nameEnd;
  let tag: string | undefined;
  if (i < end && s.charCodeAt(i) === COLON) {
    let tagEnd = i + 1;
    while (tagEnd < end && s.charCodeAt(tagEnd) !== AT) tagEnd++;
    if (!scanTag(s, i + 1, tagEnd)) return undefined;
    tag = s.slice(i + 1, tagEnd);
    i = tagEnd;
  }
  let digest: string | undefined;
  if (i < end) {
    // Only "@" can be left here.
    if (scanDigestShape(s, i + 1, end) < 0) return undefined;
    digest = s.slice(i + 1);
  }
  return { domain: "", path: "", nameEnd, tag, digest };
}
