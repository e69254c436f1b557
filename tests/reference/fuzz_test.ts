// Seeded random-mutation fuzzing of the reference parsers, checked against an oracle built
// from the upstream regular-expression grammar (docker/reference's regexp.go, rewritten here
// as JavaScript regular expressions) and against round-trip invariants.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { InvalidReferenceError } from "../../src/errors.ts";
import {
  isShortName,
  normalizeName,
  parseAnyReference,
  parseNormalizedName,
  parseReference,
  type Reference,
} from "../../src/reference/mod.ts";

// --- Oracle: the grammar as regular expressions, matched leftmost-first like Go's regexp. ---
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const host = `(?:${domainName}|\\[(?:[a-fA-F0-9:]+)\\])`;
const domainAndPort = `${host}(?::[0-9]+)?`;
const pathComponent = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const namePat = `(?:${domainAndPort}/)?${remoteName}`;
const tagPat = "[\\w][\\w.-]{0,127}";
const digestPat = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}";
const REFERENCE = new RegExp(`^(${namePat})(?::(${tagPat}))?(?:@(${digestPat}))?$`);
const ANCHORED_NAME = new RegExp(`^(?:(${domainAndPort})/)?(${remoteName})$`);
const HEX64 = /^[a-f0-9]{64}$/;

type Outcome = string | { domain: string; path: string; tag?: string; digest?: string };

function oracleDigest(d: string): string | undefined {
  const colon = d.indexOf(":");
  const alg = d.slice(0, colon);
  const encoded = d.slice(colon + 1);
  const size = alg === "sha256" ? 64 : alg === "sha384" ? 96 : alg === "sha512" ? 128 : 0;
  if (size === 0) {
    return /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(d)
      ? "DigestUnsupported"
      : "DigestInvalidFormat";
  }
  if (encoded.length !== size) return "DigestInvalidLength";
  return /^[a-f0-9]+$/.test(encoded) ? undefined : "DigestInvalidFormat";
}

/** docker/reference's Parse, as the regular expressions define it. */
function oracleParse(s: string): Outcome {
  if (s === "") return "NameEmpty";
  const m = REFERENCE.exec(s);
  if (m === null) {
    return REFERENCE.exec(s.toLowerCase()) !== null ? "NameContainsUppercase" : "InvalidFormat";
  }
  if (m[1].length > 255) return "NameTooLong";
  const n = ANCHORED_NAME.exec(m[1]);
  assert.ok(n !== null);
  if (m[3] !== undefined) {
    const problem = oracleDigest(m[3]);
    if (problem !== undefined) return problem;
  }
  return { domain: n[1] ?? "", path: n[2], tag: m[2], digest: m[3] };
}

/**
 * containers/image's ParseNormalizedNamed (docker/reference/normalize.go), written
 * independently of the implementation: only `localhost` or a first component with `.` or
 * `:` is a domain, so an uppercase first component stays in the (lowercase) repository name.
 */
function oracleNormalized(s: string): Outcome {
  if (s === "") return "NameEmpty";
  if (HEX64.test(s)) return "HexIdentifier";
  const i = s.indexOf("/");
  let domain = "docker.io";
  let remainder = s;
  if (i !== -1) {
    const first = s.slice(0, i);
    if (/[.:]/.test(first) || first === "localhost") {
      domain = first;
      remainder = s.slice(i + 1);
    }
  }
  if (domain === "index.docker.io") domain = "docker.io";
  if (domain === "docker.io" && !remainder.includes("/")) remainder = `library/${remainder}`;
  const remote = remainder.split(":")[0];
  if (remote.toLowerCase() !== remote) return "NameContainsUppercase";
  return oracleParse(`${domain}/${remainder}`);
}

function outcome(fn: (s: string) => Reference, s: string): Outcome {
  try {
    const r = fn(s);
    return { domain: r.domain, path: r.path, tag: r.tag, digest: r.digest };
  } catch (error) {
    if (error instanceof InvalidReferenceError) return error.reason;
    throw new Error(`unexpected ${error} for ${JSON.stringify(s)}`);
  }
}

// --- Seeded generator. ---
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const D = "sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912";
const SEEDS = [
  "alpine",
  "alpine:3.19",
  "library/alpine:latest",
  "docker.io/library/alpine",
  "index.docker.io/user/app:v1",
  "quay.io/podman/stable:v5",
  "localhost/foo",
  "localhost:5000/foo/bar:tag",
  "[::1]:5000/foo",
  "[2001:db8::1]/repo:tag",
  "127.0.0.1:8080/a/b/c",
  `busybox@${D}`,
  `busybox:latest@${D}`,
  `registry.example.com:443/ns/app:1.0@${D}`,
  `sha512:${"e".repeat(128)}`,
  `sha384:${"d".repeat(96)}`,
  `app@sha384:${"c".repeat(96)}`,
  "LOCALHOST/foo",
  `sha256:${"0".repeat(64)}`,
  "0".repeat(64),
  "foo_bar.com/x",
  "a__b/c---d.e",
  "Foo/bar",
  "xn--n3h.com/myimage:xn--n3h.com",
  "a/".repeat(120) + "a",
  "example.com/" + "a".repeat(240),
  "foo:" + "t".repeat(127),
];
const ALPHABET = "abcdefxyz0129/:@.-_[]ABCFZ%#~ +=\u00e9\u212a";

function mutate(s: string, rand: () => number): string {
  const pick = () => ALPHABET[Math.floor(rand() * ALPHABET.length)];
  const pos = () => Math.floor(rand() * (s.length + 1));
  const ops = 1 + Math.floor(rand() * 4);
  for (let k = 0; k < ops; k++) {
    const op = Math.floor(rand() * 6);
    const p = pos();
    if (op === 0 || op === 1) s = s.slice(0, p) + pick() + s.slice(p);
    else if (op === 2) s = s.slice(0, p) + s.slice(p + 1);
    else if (op === 3) s = s.slice(0, p) + pick() + s.slice(p + 1);
    else if (op === 4) {
      const q = Math.min(s.length, p + Math.floor(rand() * 8));
      s = s.slice(0, q) + s.slice(p, q) + s.slice(q);
    } else {
      const c = s.charAt(p);
      s = s.slice(0, p) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) +
        s.slice(p + 1);
    }
  }
  return s;
}

describe("reference fuzzing", () => {
  it("matches the regexp oracle and round-trips on 20000 mutated inputs", () => {
    const rand = mulberry32(0x5eed);
    let current = SEEDS[0];
    let validUnnormalized = 0;
    let validNormalized = 0;
    const reasons = new Set<string>();
    for (let i = 0; i < 20000; i++) {
      if (rand() < 0.15 || current.length > 400) {
        current = SEEDS[Math.floor(rand() * SEEDS.length)];
      }
      const s = mutate(current, rand);
      if (rand() < 0.5) current = s;

      const plain = outcome(parseReference, s);
      assert.deepEqual(plain, oracleParse(s), `parseReference(${JSON.stringify(s)})`);
      if (typeof plain === "string") {
        reasons.add(plain);
      } else {
        validUnnormalized++;
        assert.equal(parseReference(s).toString(), s);
      }

      const normalized = outcome(parseNormalizedName, s);
      assert.deepEqual(
        normalized,
        oracleNormalized(s),
        `parseNormalizedName(${JSON.stringify(s)})`,
      );
      if (typeof normalized === "string") {
        reasons.add(normalized);
      } else {
        validNormalized++;
        const ref = parseNormalizedName(s);
        const again = parseNormalizedName(ref.toString());
        assert.ok(again.equals(ref), `round trip of ${JSON.stringify(s)}`);
        assert.equal(again.toString(), ref.toString());
      }

      try {
        const any = parseAnyReference(s);
        assert.equal(parseAnyReference(any.toString()).toString(), any.toString());
      } catch (error) {
        assert.ok(error instanceof InvalidReferenceError, `parseAnyReference(${s}): ${error}`);
      }

      try {
        const ref = normalizeName(s);
        assert.ok(normalizeName(ref.toString()).equals(ref), `normalizeName idempotent: ${s}`);
        assert.notEqual(ref.domain, "");
      } catch (error) {
        assert.ok(error instanceof InvalidReferenceError, `normalizeName(${s}): ${error}`);
      }

      assert.equal(typeof isShortName(s), "boolean");
    }
    // The generator must explore both sides and most error kinds.
    assert.ok(validUnnormalized > 2000, `valid unnormalized: ${validUnnormalized}`);
    assert.ok(validNormalized > 2000, `valid normalized: ${validNormalized}`);
    for (
      const reason of [
        "InvalidFormat",
        "NameContainsUppercase",
        "NameTooLong",
        "DigestInvalidFormat",
        "DigestInvalidLength",
      ]
    ) {
      assert.ok(reasons.has(reason), `fuzzing never produced ${reason}`);
    }
  });

  it("scans hostile inputs in linear time without hanging", () => {
    const hostile = [
      "a".repeat(100_000) + "!",
      "a-".repeat(50_000),
      "a_".repeat(50_000) + "/",
      "[" + ":".repeat(100_000),
      "a".repeat(100_000) + "@" + "A".repeat(100_000),
      "a:" + "b".repeat(100_000),
      "x/".repeat(50_000),
      `a@sha256:${"f".repeat(100_000)}`,
      "a.".repeat(50_000) + "/b",
      "A".repeat(100_000),
    ];
    for (const s of hostile) {
      for (const fn of [parseReference, parseNormalizedName, parseAnyReference, normalizeName]) {
        assert.throws(() => fn(s), InvalidReferenceError);
      }
      assert.equal(isShortName(s), false);
    }
  });
});
