// The signature payload and the strict JSON under it: what containers-signature(5) says a
// consumer must refuse.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  createSignaturePayload,
  InvalidSignature,
  lookasideUrl,
  parseSignaturePayload,
  parseStrictJson,
  SIGSTORE_TYPE,
  sigstoreTag,
} from "../../src/signature/mod.ts";

const digest = `sha256:${"ab".repeat(32)}`;
const encode = (value: unknown) =>
  new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));
const valid = () => ({
  critical: {
    type: "atomic container signature",
    image: { "docker-manifest-digest": digest },
    identity: { "docker-reference": "example.com/app:1" },
  },
  optional: { creator: "x 1.0", timestamp: 1700000000 },
});

function refuses(payload: unknown, pattern: RegExp, type?: string) {
  assert.throws(
    () => parseSignaturePayload(encode(payload), type),
    (error: unknown) => error instanceof InvalidSignature && pattern.test(error.message),
    String(pattern),
  );
}

describe("signature payload", () => {
  it("round-trips what stevedore writes", () => {
    const bytes = createSignaturePayload({
      dockerReference: "example.com/app:1",
      manifestDigest: digest,
      creator: "stevedore",
      timestamp: 5,
    });
    assert.deepEqual(parseSignaturePayload(bytes), {
      dockerReference: "example.com/app:1",
      manifestDigest: digest,
      creator: "stevedore",
      timestamp: 5,
    });
    assert.equal(
      new TextDecoder().decode(bytes),
      `{"critical":{"identity":{"docker-reference":"example.com/app:1"},"image":{"docker-manifest-digest":"${digest}"},"type":"atomic container signature"},"optional":{"creator":"stevedore","timestamp":5}}`,
    );
  });

  it("refuses anything unexpected in the critical part", () => {
    const extra = valid();
    (extra.critical as Record<string, unknown>).extra = 1;
    refuses(extra, /critical has an unknown field "extra"/);
    const noType = valid() as { critical: Record<string, unknown> };
    delete noType.critical.type;
    refuses(noType, /critical lacks the field "type"/);
    refuses(
      { ...valid(), critical: { ...valid().critical, type: "other" } },
      /unrecognized signature type/,
    );
    refuses(
      { ...valid(), critical: { ...valid().critical, image: { "docker-manifest-digest": 5 } } },
      /docker-manifest-digest is not a string/,
    );
    refuses(
      {
        ...valid(),
        critical: { ...valid().critical, identity: { "docker-reference": "x", more: "y" } },
      },
      /critical.identity has an unknown field "more"/,
    );
    refuses({ ...valid(), extra: {} }, /the signature payload has an unknown field "extra"/);
    refuses({ ...valid(), optional: { timestamp: 1.5 } }, /optional.timestamp is not an integer/);
    refuses({ ...valid(), optional: null }, /optional is not a JSON object/);
    refuses("not json", /not valid JSON/);
    const text = JSON.stringify(valid()).replace('"type":', '"type":"x","type":');
    refuses(text, /duplicate field "type"/);
  });

  it("lets sigstore payloads carry a null optional part and a repository identity", () => {
    const payload = {
      ...valid(),
      critical: {
        ...valid().critical,
        type: SIGSTORE_TYPE,
        identity: { "docker-reference": "example.com/app" },
      },
      optional: null,
    };
    assert.equal(
      parseSignaturePayload(encode(payload), SIGSTORE_TYPE).dockerReference,
      "example.com/app",
    );
  });
});

describe("strict JSON", () => {
  it("keeps __proto__ as data and refuses trailing data and deep nesting", () => {
    const value = parseStrictJson('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.deepEqual(Object.keys(value), ["__proto__"]);
    assert.throws(() => parseStrictJson("{} {}"), /unexpected data/);
    assert.throws(() => parseStrictJson("[".repeat(100) + "]".repeat(100)), /nested deeper/);
    assert.throws(() => parseStrictJson('"\u0001"'), SyntaxError);
    assert.deepEqual(parseStrictJson(' [1, -2.5e3, "a\\u0041", null, false] '), [
      1,
      -2500,
      "aA",
      null,
      false,
    ]);
  });
});

describe("signature locations", () => {
  it("names lookaside files and sigstore tags as containers/image does", () => {
    assert.equal(
      lookasideUrl("file:///srv/sigs/", "ns/app", digest, 1),
      `file:///srv/sigs/ns/app@sha256=${"ab".repeat(32)}/signature-2`,
    );
    assert.equal(sigstoreTag(digest), `sha256-${"ab".repeat(32)}.sig`);
  });
});
