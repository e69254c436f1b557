import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { InvalidManifestError } from "../../src/errors.ts";
import {
  detectManifestMediaType,
  guessManifestMediaType,
  MAX_MANIFEST_SIZE,
  parseImageManifest,
  parseIndex,
  parseManifest,
} from "../../src/manifest/mod.ts";
import { EMPTY_DESCRIPTOR, MediaType } from "../../src/types/mod.ts";
import {
  dg,
  DOCKER_MANIFEST_TEXT,
  dockerList,
  json,
  ociIndex,
  ociManifest,
  utf8,
} from "./_fixtures.ts";

function without(doc: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...doc };
  delete copy[key];
  return copy;
}

function withLayer(layer: Record<string, unknown>): Record<string, unknown> {
  return { ...ociManifest(), layers: [layer] };
}

const goodLayer = { mediaType: MediaType.OciLayerGzip, digest: dg("a"), size: 1 };

describe("parseManifest accepts", () => {
  it("a Docker manifest, keeping the exact bytes", () => {
    const bytes = utf8(DOCKER_MANIFEST_TEXT);
    const parsed = parseManifest(bytes);
    assert.equal(parsed.kind, "image");
    assert.equal(parsed.mediaType, MediaType.DockerManifest);
    assert.equal(parsed.bytes, bytes);
    if (parsed.kind !== "image") return;
    assert.equal(parsed.manifest.layers.length, 2);
    assert.deepEqual(parsed.manifest.layers[1].urls, ["https://example.com/layer"]);
  });

  const cases: Array<[string, Record<string, unknown>, string | undefined, string, string]> = [
    ["an OCI manifest", ociManifest(), undefined, "image", MediaType.OciManifest],
    [
      "an OCI manifest without mediaType",
      without(ociManifest(), "mediaType"),
      undefined,
      "image",
      MediaType.OciManifest,
    ],
    [
      "a manifest without mediaType but a Docker config",
      {
        schemaVersion: 2,
        config: { mediaType: MediaType.DockerConfig, digest: dg("c"), size: 3 },
        layers: [],
      },
      undefined,
      "image",
      MediaType.DockerManifest,
    ],
    [
      "a manifest without mediaType served as Docker",
      {
        ...without(ociManifest(), "mediaType"),
        layers: [{ mediaType: MediaType.DockerLayerGzip, digest: dg("a"), size: 1 }],
      },
      MediaType.DockerManifest,
      "image",
      MediaType.DockerManifest,
    ],
    [
      "an OCI manifest served with parameters",
      ociManifest(),
      `${MediaType.OciManifest}; charset=utf-8`,
      "image",
      MediaType.OciManifest,
    ],
    [
      "an OCI manifest served as text/plain",
      ociManifest(),
      "text/plain",
      "image",
      MediaType.OciManifest,
    ],
    [
      "an OCI manifest served as application/json",
      ociManifest(),
      "application/json",
      "image",
      MediaType.OciManifest,
    ],
    ["an OCI index", ociIndex(), MediaType.OciIndex, "index", MediaType.OciIndex],
    [
      "an OCI index without mediaType",
      without(ociIndex(), "mediaType"),
      undefined,
      "index",
      MediaType.OciIndex,
    ],
    [
      "an empty OCI index",
      { schemaVersion: 2, manifests: [] },
      undefined,
      "index",
      MediaType.OciIndex,
    ],
    [
      "a Docker list",
      dockerList(),
      MediaType.DockerManifestList,
      "index",
      MediaType.DockerManifestList,
    ],
    [
      "an artifact",
      {
        schemaVersion: 2,
        mediaType: MediaType.OciManifest,
        artifactType: "application/vnd.example.sbom+json",
        config: EMPTY_DESCRIPTOR,
        layers: [{ ...EMPTY_DESCRIPTOR }],
        subject: { mediaType: MediaType.OciManifest, digest: dg(9), size: 700 },
      },
      undefined,
      "image",
      MediaType.OciManifest,
    ],
    [
      "a sha512 digest",
      withLayer({ ...goodLayer, digest: `sha512:${"ab".repeat(64)}` }),
      undefined,
      "image",
      MediaType.OciManifest,
    ],
    [
      "a zero size",
      withLayer({ ...goodLayer, size: 0 }),
      undefined,
      "image",
      MediaType.OciManifest,
    ],
    [
      "an index entry with features",
      {
        schemaVersion: 2,
        manifests: [{
          mediaType: MediaType.OciManifest,
          digest: dg(1),
          size: 1,
          platform: {
            architecture: "amd64",
            os: "windows",
            "os.version": "10.0.20348.1",
            "os.features": ["win32k"],
          },
        }],
      },
      undefined,
      "index",
      MediaType.OciIndex,
    ],
    [
      "an unknown extra field",
      { ...ociManifest(), extra: 1 },
      undefined,
      "image",
      MediaType.OciManifest,
    ],
  ];
  for (const [name, doc, contentType, kind, mediaType] of cases) {
    it(name, () => {
      const parsed = parseManifest(json(doc), { contentType });
      assert.equal(parsed.kind, kind);
      assert.equal(parsed.mediaType, mediaType);
    });
  }

  it("a document of exactly the size limit", () => {
    const text = JSON.stringify(ociManifest());
    const bytes = utf8(text + " ".repeat(MAX_MANIFEST_SIZE - text.length));
    assert.equal(bytes.length, MAX_MANIFEST_SIZE);
    assert.equal(parseManifest(bytes).kind, "image");
  });

  it("a custom size limit", () => {
    assert.throws(() => parseManifest(json(ociManifest()), { maxSize: 10 }), /limit of 10/);
  });
});

// [name, bytes, content type, message pattern]
const FAILURES: Array<[string, Uint8Array, string | undefined, RegExp]> = [
  [
    "too big",
    new Uint8Array(MAX_MANIFEST_SIZE + 1).fill(32),
    undefined,
    /4194305 bytes, more than the limit of 4194304/,
  ],
  ["not JSON", utf8("{"), undefined, /not valid JSON/],
  ["empty", new Uint8Array(0), undefined, /not valid JSON/],
  ["not UTF-8", new Uint8Array([0x7b, 0xff, 0x7d]), undefined, /not valid UTF-8/],
  ["a BOM", utf8("\uFEFF" + JSON.stringify(ociManifest())), undefined, /not valid JSON/],
  ["an array", utf8("[]"), undefined, /not a JSON object/],
  ["null", utf8("null"), undefined, /not a JSON object/],
  [
    "no schemaVersion",
    json(without(ociManifest(), "schemaVersion")),
    undefined,
    /schemaVersion is required/,
  ],
  [
    "schemaVersion 3",
    json({ ...ociManifest(), schemaVersion: 3 }),
    undefined,
    /schemaVersion 3 is not supported/,
  ],
  [
    "schemaVersion as a string",
    json({ ...ociManifest(), schemaVersion: "2" }),
    undefined,
    /schemaVersion "2"/,
  ],
  ["no config", json(without(ociManifest(), "config")), undefined, /config is required/],
  ["no layers", json(without(ociManifest(), "layers")), undefined, /layers is required/],
  [
    "layers not an array",
    json({ ...ociManifest(), layers: {} }),
    undefined,
    /layers must be an array/,
  ],
  [
    "config not an object",
    json({ ...ociManifest(), config: "x" }),
    undefined,
    /config must be an object/,
  ],
  ["neither config nor manifests", json({ schemaVersion: 2 }), undefined, /neither/],
  ["both manifests and config", json({ ...ociManifest(), manifests: [] }), undefined, /ambiguous/],
  [
    "schema 1 fields in schema 2",
    json({ ...ociManifest(), fsLayers: [] }),
    undefined,
    /schema 1 fields/,
  ],
  [
    "uppercase hex digest",
    json(withLayer({ ...goodLayer, digest: `sha256:${"A".repeat(64)}` })),
    undefined,
    /layers\[0\]\.digest .* is not a valid digest/,
  ],
  [
    "short digest",
    json(withLayer({ ...goodLayer, digest: `sha256:${"a".repeat(63)}` })),
    undefined,
    /not a valid digest/,
  ],
  [
    "sha512 of sha256 length",
    json(withLayer({ ...goodLayer, digest: `sha512:${"a".repeat(64)}` })),
    undefined,
    /not a valid digest/,
  ],
  [
    "unknown algorithm",
    json(withLayer({ ...goodLayer, digest: `md5:${"a".repeat(32)}` })),
    undefined,
    /not a valid digest/,
  ],
  [
    "digest without algorithm",
    json(withLayer({ ...goodLayer, digest: "a".repeat(64) })),
    undefined,
    /not a valid digest/,
  ],
  [
    "missing digest",
    json(withLayer(without(goodLayer, "digest"))),
    undefined,
    /layers\[0\]\.digest is required/,
  ],
  [
    "negative size",
    json(withLayer({ ...goodLayer, size: -1 })),
    undefined,
    /size -1 must be a non-negative integer/,
  ],
  ["fractional size", json(withLayer({ ...goodLayer, size: 1.5 })), undefined, /size 1.5 must be/],
  ["string size", json(withLayer({ ...goodLayer, size: "1" })), undefined, /size "1" must be/],
  [
    "unsafe size",
    json(withLayer({ ...goodLayer, size: 2 ** 53 })),
    undefined,
    /must be a non-negative integer/,
  ],
  ["missing size", json(withLayer(without(goodLayer, "size"))), undefined, /size is required/],
  [
    "missing layer media type",
    json(withLayer(without(goodLayer, "mediaType"))),
    undefined,
    /mediaType is required/,
  ],
  [
    "malformed layer media type",
    json(withLayer({ ...goodLayer, mediaType: "not a type" })),
    undefined,
    /is not a valid media type/,
  ],
  [
    "urls not strings",
    json(withLayer({ ...goodLayer, urls: [1] })),
    undefined,
    /urls must be an array of strings/,
  ],
  [
    "annotations not strings",
    json({ ...ociManifest(), annotations: { a: 1 } }),
    undefined,
    /annotations must be an object of strings/,
  ],
  [
    "data that is not base64",
    json(withLayer({ ...goodLayer, data: "!!" })),
    undefined,
    /data must be base64/,
  ],
  [
    "data of the wrong size",
    json(withLayer({ ...goodLayer, size: 3, data: "e30=" })),
    undefined,
    /holds 2 bytes, size says 3/,
  ],
  [
    "a platform without os",
    json({ schemaVersion: 2, manifests: [{ ...goodLayer, platform: { architecture: "amd64" } }] }),
    undefined,
    /platform\.os is required/,
  ],
  [
    "a bad subject",
    json({ ...ociManifest(), subject: { mediaType: MediaType.OciManifest, digest: "x", size: 1 } }),
    undefined,
    /subject\.digest/,
  ],
  [
    "a bad artifactType",
    json({ ...ociManifest(), artifactType: 5 }),
    undefined,
    /artifactType must be a media type/,
  ],
  [
    "a non-string mediaType",
    json({ ...ociManifest(), mediaType: 2 }),
    undefined,
    /mediaType must be a string/,
  ],
  [
    "an unknown mediaType",
    json({ ...ociManifest(), mediaType: "application/vnd.example+json" }),
    undefined,
    /is not a manifest type/,
  ],
  [
    "an index mediaType on a manifest",
    json({ ...ociManifest(), mediaType: MediaType.OciIndex }),
    undefined,
    /does not match the document, which is an image manifest/,
  ],
  [
    "a manifest mediaType on an index",
    json({ ...ociIndex(), mediaType: MediaType.DockerManifest }),
    undefined,
    /does not match the document, which is an index/,
  ],
  [
    "served as Docker, declaring OCI",
    json(ociManifest()),
    MediaType.DockerManifest,
    /served as "application\/vnd.docker.distribution.manifest.v2\+json" but declares/,
  ],
  [
    "served as an index, shaped as a manifest",
    json(without(ociManifest(), "mediaType")),
    MediaType.OciIndex,
    /served as .* but is an image manifest/,
  ],
  [
    "served as schema 1, shaped as an index",
    json(without(ociIndex(), "mediaType")),
    MediaType.DockerSchema1Signed,
    /but is an index/,
  ],
  [
    "a Docker manifest with an OCI layer",
    json({
      ...JSON.parse(DOCKER_MANIFEST_TEXT),
      layers: [{ ...goodLayer, mediaType: MediaType.OciLayerZstd }],
    }),
    undefined,
    /layers\[0\] has media type .* which a Docker manifest cannot hold/,
  ],
  [
    "manifests not an array",
    json({ schemaVersion: 2, manifests: {} }),
    undefined,
    /manifests must be an array/,
  ],
  [
    "an index entry without digest",
    json({ schemaVersion: 2, manifests: [without(goodLayer, "digest")] }),
    undefined,
    /manifests\[0\]\.digest is required/,
  ],
];

describe("parseManifest rejects", () => {
  for (const [name, bytes, contentType, pattern] of FAILURES) {
    it(name, () => {
      assert.throws(
        () => parseManifest(bytes, { contentType, what: "example.com/app:1" }),
        (e: unknown) => {
          assert.ok(e instanceof InvalidManifestError, String(e));
          assert.equal(e.code, "InvalidManifest");
          assert.equal(e.httpStatus, 400);
          assert.match(e.message, /^Cannot parse manifest "example.com\/app:1": /);
          assert.match(e.message, pattern);
          return true;
        },
      );
    });
  }
});

describe("parseImageManifest and parseIndex", () => {
  it("insist on their kind", () => {
    assert.equal(parseImageManifest(json(ociManifest())).manifest.config.digest, dg("c"));
    assert.equal(parseIndex(json(ociIndex())).index.manifests.length, 2);
    assert.throws(
      () => parseImageManifest(json(ociIndex())),
      /it is an index, not an image manifest/,
    );
    assert.throws(() => parseIndex(json(ociManifest())), /it is an image manifest, not an index/);
  });
});

describe("media type detection", () => {
  it("detects from the shape", () => {
    assert.equal(
      detectManifestMediaType(without(ociManifest(), "mediaType")),
      MediaType.OciManifest,
    );
    assert.equal(
      detectManifestMediaType(JSON.parse(DOCKER_MANIFEST_TEXT)),
      MediaType.DockerManifest,
    );
    assert.equal(detectManifestMediaType(without(ociIndex(), "mediaType")), MediaType.OciIndex);
    assert.equal(detectManifestMediaType(dockerList()), MediaType.DockerManifestList);
    assert.equal(detectManifestMediaType({ schemaVersion: 1 }), MediaType.DockerSchema1);
    assert.equal(
      detectManifestMediaType({ schemaVersion: 1, signatures: [] }),
      MediaType.DockerSchema1Signed,
    );
    assert.equal(detectManifestMediaType({ schemaVersion: 2 }), undefined);
    assert.equal(detectManifestMediaType({ schemaVersion: 3, manifests: [] }), undefined);
    assert.equal(detectManifestMediaType([]), undefined);
  });

  it("guesses from bytes without throwing", () => {
    assert.equal(guessManifestMediaType(utf8(DOCKER_MANIFEST_TEXT)), MediaType.DockerManifest);
    assert.equal(guessManifestMediaType(utf8("not json")), undefined);
    assert.equal(guessManifestMediaType(utf8('"string"')), undefined);
  });
});
