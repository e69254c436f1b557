import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { InvalidManifestError } from "../../src/errors.ts";
import {
  parseManifest,
  schema1DigestPayload,
  schema1LayerDigests,
  schema1ToImage,
} from "../../src/manifest/mod.ts";
import { MediaType, type Schema1Manifest } from "../../src/types/mod.ts";
import { dg, utf8 } from "./_fixtures.ts";

const ID1 = "1".repeat(64);
const ID2 = "2".repeat(64);
const ID3 = "3".repeat(64);
const EMPTY_GZ = dg("e");
const BLOB_A = dg("a");
const BLOB_B = dg("b");

function v1(value: Record<string, unknown>): { v1Compatibility: string } {
  return { v1Compatibility: JSON.stringify(value) };
}

function schema1(): Schema1Manifest {
  return {
    schemaVersion: 1,
    name: "library/busybox",
    tag: "latest",
    architecture: "amd64",
    fsLayers: [{ blobSum: EMPTY_GZ }, { blobSum: BLOB_B }, { blobSum: BLOB_A }],
    history: [
      v1({
        id: ID3,
        parent: ID2,
        created: "2020-01-03T00:00:00Z",
        container_config: { Cmd: ["/bin/sh", "-c", '#(nop) CMD ["sh"]'] },
        config: { Cmd: ["sh"], Env: ["PATH=/bin"] },
        docker_version: "18.09.7",
        architecture: "amd64",
        os: "linux",
        throwaway: true,
        Size: 0,
      }),
      v1({
        id: ID2,
        parent: ID1,
        created: "2020-01-02T00:00:00Z",
        author: "someone",
        container_config: { Cmd: ["/bin/sh", "-c", "#(nop) ADD file:b in /"] },
      }),
      v1({
        id: ID1,
        created: "2020-01-01T00:00:00Z",
        comment: "base",
        container_config: { Cmd: ["/bin/sh", "-c", "#(nop) ADD file:a in /"] },
      }),
    ],
  };
}

const LAYERS = [{ diffId: dg(10), size: 100 }, { diffId: dg(11), size: 200 }];

function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(
    /=+$/,
    "",
  );
}

// Signs a pretty-printed payload the way libtrust lays it out (signature not verified).
function signed(payload: string): string {
  const formatLength = payload.lastIndexOf("\n}");
  const tail = payload.slice(formatLength);
  const protectedHeader = base64Url(utf8(JSON.stringify({
    formatLength,
    formatTail: base64Url(utf8(tail)),
    time: "2020-01-01T00:00:00Z",
  })));
  const signatures = `,\n   "signatures": [\n      {\n         "header": {"alg": "ES256"},\n` +
    `         "signature": "c2ln",\n         "protected": "${protectedHeader}"\n      }\n   ]`;
  return payload.slice(0, formatLength) + signatures + tail;
}

describe("schema 1 parsing", () => {
  it("parses unsigned and signed documents", () => {
    const payload = JSON.stringify(schema1(), null, 3);
    const unsigned = parseManifest(utf8(payload));
    assert.equal(unsigned.kind, "schema1");
    assert.equal(unsigned.mediaType, MediaType.DockerSchema1);
    const s = parseManifest(utf8(signed(payload)), { contentType: "application/json" });
    assert.equal(s.mediaType, MediaType.DockerSchema1Signed);
    if (s.kind === "schema1") assert.equal(s.schema1.signatures?.length, 1);
    const served = parseManifest(utf8(signed(payload)), { contentType: MediaType.DockerSchema1 });
    assert.equal(served.mediaType, MediaType.DockerSchema1);
  });

  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    [
      "lengths that differ",
      { ...schema1(), history: schema1().history.slice(1) },
      /history must be an array as long/,
    ],
    [
      "no layers",
      { ...schema1(), fsLayers: [], history: [] },
      /fsLayers must be a non-empty array/,
    ],
    ["no name", { ...schema1(), name: undefined }, /name is required/],
    ["a bad blobSum", {
      ...schema1(),
      fsLayers: [{ blobSum: "x" }, { blobSum: BLOB_B }, { blobSum: BLOB_A }],
    }, /fsLayers\[0\]\.blobSum/],
    [
      "a non-string v1Compatibility",
      { ...schema1(), history: [{}, {}, {}] },
      /v1Compatibility must be a string/,
    ],
    ["bad signatures", { ...schema1(), signatures: [{ protected: 1 }] }, /signatures\[0\]/],
    [
      "a mediaType of another kind",
      { ...schema1(), mediaType: MediaType.DockerManifest },
      /does not match the document, which is a schema 1 manifest/,
    ],
  ];
  for (const [name, doc, pattern] of bad) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => parseManifest(utf8(JSON.stringify(doc))),
        (e) => e instanceof InvalidManifestError && pattern.test(e.message),
      );
    });
  }
});

describe("schema1DigestPayload", () => {
  it("rebuilds the signed payload", () => {
    const payload = JSON.stringify(schema1(), null, 3);
    const bytes = utf8(signed(payload));
    assert.notEqual(bytes.length, utf8(payload).length);
    assert.deepEqual(schema1DigestPayload(bytes), utf8(payload));
  });

  it("returns unsigned bytes as they are", () => {
    const bytes = utf8(JSON.stringify(schema1()));
    assert.equal(schema1DigestPayload(bytes), bytes);
  });

  it("rejects malformed protected headers", () => {
    const doc = { ...schema1(), signatures: [{ header: {}, signature: "x", protected: "!!!" }] };
    assert.throws(() => schema1DigestPayload(utf8(JSON.stringify(doc))), InvalidManifestError);
    const noLength = base64Url(utf8(JSON.stringify({ formatTail: "fQ" })));
    const doc2 = {
      ...schema1(),
      signatures: [{ header: {}, signature: "x", protected: noLength }],
    };
    assert.throws(() => schema1DigestPayload(utf8(JSON.stringify(doc2))), /formatLength/);
    const tooLong = base64Url(utf8(JSON.stringify({ formatLength: 1e9, formatTail: "fQ" })));
    const doc3 = { ...schema1(), signatures: [{ header: {}, signature: "x", protected: tooLong }] };
    assert.throws(() => schema1DigestPayload(utf8(JSON.stringify(doc3))), /outside the document/);
  });
});

describe("schema1ToImage", () => {
  it("lists the non-empty layer blobs, base first", () => {
    assert.deepEqual(schema1LayerDigests(schema1()), [BLOB_A, BLOB_B]);
  });

  it("builds a Docker schema 2 image", async () => {
    const image = await schema1ToImage(schema1(), LAYERS);
    const hex = createHash("sha256").update(image.configBytes).digest("hex");
    assert.deepEqual(image.manifest, {
      schemaVersion: 2,
      mediaType: MediaType.DockerManifest,
      config: {
        mediaType: MediaType.DockerConfig,
        digest: `sha256:${hex}`,
        size: image.configBytes.length,
      },
      layers: [
        { mediaType: MediaType.DockerLayerGzip, digest: BLOB_A, size: 100 },
        { mediaType: MediaType.DockerLayerGzip, digest: BLOB_B, size: 200 },
      ],
    });
    const parsed = parseManifest(image.manifestBytes);
    assert.equal(parsed.mediaType, MediaType.DockerManifest);
    const config = JSON.parse(new TextDecoder().decode(image.configBytes));
    assert.deepEqual(Object.keys(config), [
      "architecture",
      "config",
      "container_config",
      "created",
      "docker_version",
      "history",
      "os",
      "rootfs",
    ]);
    assert.deepEqual(config.rootfs, { type: "layers", diff_ids: [dg(10), dg(11)] });
    assert.deepEqual(config.history, [
      {
        created: "2020-01-01T00:00:00Z",
        created_by: "/bin/sh -c #(nop) ADD file:a in /",
        comment: "base",
      },
      {
        created: "2020-01-02T00:00:00Z",
        author: "someone",
        created_by: "/bin/sh -c #(nop) ADD file:b in /",
      },
      {
        created: "2020-01-03T00:00:00Z",
        created_by: '/bin/sh -c #(nop) CMD ["sh"]',
        empty_layer: true,
      },
    ]);
    assert.deepEqual(image.config.config?.Cmd, ["sh"]);
    assert.equal(config.id, undefined);
    assert.equal(config.Size, undefined);
  });

  it("builds an OCI image with the given compression", async () => {
    const image = await schema1ToImage(
      schema1(),
      [{ ...LAYERS[0], compression: "zstd" }, LAYERS[1]],
      { to: MediaType.OciManifest },
    );
    assert.equal(image.manifest.config.mediaType, MediaType.OciConfig);
    assert.deepEqual(image.manifest.layers.map((l) => l.mediaType), [
      MediaType.OciLayerZstd,
      MediaType.OciLayerGzip,
    ]);
  });

  it("drops consecutive duplicate history entries", async () => {
    const m = schema1();
    m.fsLayers.splice(1, 0, { blobSum: BLOB_B });
    m.history.splice(1, 0, m.history[1]);
    assert.deepEqual(schema1LayerDigests(m), [BLOB_A, BLOB_B]);
    const image = await schema1ToImage(m, LAYERS);
    assert.equal(image.config.history?.length, 3);
  });

  it("fills architecture and os when the v1 JSON lacks them", async () => {
    const m = schema1();
    const top = JSON.parse(m.history[0].v1Compatibility);
    delete top.architecture;
    delete top.os;
    m.history[0] = v1(top);
    const image = await schema1ToImage(m, LAYERS);
    assert.equal(image.config.architecture, "amd64");
    assert.equal(image.config.os, "linux");
  });

  it("rejects malformed histories", async () => {
    const brokenChain = schema1();
    brokenChain.history[1] = v1({ id: ID2, parent: ID3 });
    const badId = schema1();
    badId.history[2] = v1({ id: "xyz" });
    const notJson = schema1();
    notJson.history[0] = { v1Compatibility: "{" };
    const baseWithParent = schema1();
    baseWithParent.history[2] = v1({ id: ID1, parent: ID3 });
    for (
      const [m, pattern] of [
        [brokenChain, /does not have history\[2\] as its parent/],
        [badId, /invalid id/],
        [notJson, /is not JSON/],
        [baseWithParent, /base layer has a parent/],
      ] as const
    ) {
      await assert.rejects(
        schema1ToImage(m, LAYERS),
        (e) => e instanceof InvalidManifestError && pattern.test(e.message),
      );
      assert.throws(() => schema1LayerDigests(m), InvalidManifestError);
    }
  });

  it("rejects layer infos that do not fit", async () => {
    await assert.rejects(schema1ToImage(schema1(), LAYERS.slice(1)), RangeError);
    await assert.rejects(
      schema1ToImage(schema1(), [LAYERS[0], { diffId: "x", size: 1 }]),
      RangeError,
    );
    await assert.rejects(
      schema1ToImage(schema1(), [LAYERS[0], { diffId: dg(1), size: -1 }]),
      RangeError,
    );
    await assert.rejects(
      schema1ToImage(schema1(), [{ ...LAYERS[0], compression: "zstd" }, LAYERS[1]]),
      /cannot be used/,
    );
  });
});
