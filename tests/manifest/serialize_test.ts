import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  encodeCompactJson,
  parseManifest,
  serializeIndex,
  serializeManifest,
} from "../../src/manifest/mod.ts";
import { type ImageIndex, type ImageManifest, MediaType } from "../../src/types/mod.ts";
import { dg } from "./_fixtures.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("serialization", () => {
  it("writes OCI manifests compactly in Go field order, leaving out empty fields", () => {
    const manifest = {
      annotations: {},
      layers: [{
        platform: undefined,
        size: 3,
        urls: [],
        digest: dg("a"),
        mediaType: MediaType.OciLayerGzip,
      }],
      config: { size: 2, digest: dg("c"), mediaType: MediaType.OciConfig, annotations: { k: "v" } },
      mediaType: MediaType.OciManifest,
      schemaVersion: 2,
    } as unknown as ImageManifest;
    assert.equal(
      text(serializeManifest(manifest)),
      `{"schemaVersion":2,"mediaType":"${MediaType.OciManifest}",` +
        `"config":{"mediaType":"${MediaType.OciConfig}","digest":"${dg("c")}","size":2,` +
        `"annotations":{"k":"v"}},` +
        `"layers":[{"mediaType":"${MediaType.OciLayerGzip}","digest":"${dg("a")}","size":3}]}`,
    );
  });

  it("writes Docker manifests with Docker's fields only", () => {
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.DockerManifest,
      config: { mediaType: MediaType.DockerConfig, digest: dg("c"), size: 2 },
      layers: [{
        mediaType: MediaType.DockerForeignLayerGzip,
        digest: dg("a"),
        size: 3,
        urls: ["https://x"],
        annotations: { dropped: "yes" },
      }],
      annotations: { dropped: "yes" },
    };
    assert.equal(
      text(serializeManifest(manifest)),
      `{"schemaVersion":2,"mediaType":"${MediaType.DockerManifest}",` +
        `"config":{"mediaType":"${MediaType.DockerConfig}","size":2,"digest":"${dg("c")}"},` +
        `"layers":[{"mediaType":"${MediaType.DockerForeignLayerGzip}","size":3,` +
        `"digest":"${dg("a")}","urls":["https://x"]}]}`,
    );
  });

  it("gives every Docker list entry a platform", () => {
    const list: ImageIndex = {
      schemaVersion: 2,
      mediaType: MediaType.DockerManifestList,
      manifests: [{ mediaType: MediaType.DockerManifest, digest: dg(1), size: 7 }],
      annotations: { dropped: "yes" },
    };
    assert.equal(
      text(serializeIndex(list)),
      `{"schemaVersion":2,"mediaType":"${MediaType.DockerManifestList}","manifests":[` +
        `{"mediaType":"${MediaType.DockerManifest}","size":7,"digest":"${dg(1)}",` +
        `"platform":{"architecture":"","os":""}}]}`,
    );
  });

  it("writes OCI indexes with platform fields in order", () => {
    const index: ImageIndex = {
      schemaVersion: 2,
      mediaType: MediaType.OciIndex,
      manifests: [{
        mediaType: MediaType.OciManifest,
        digest: dg(1),
        size: 7,
        platform: { variant: "v8", os: "linux", architecture: "arm64" },
        annotations: { a: "b" },
      }],
      annotations: { "org.opencontainers.image.ref.name": "x" },
    };
    const out = text(serializeIndex(index));
    assert.equal(
      out,
      `{"schemaVersion":2,"mediaType":"${MediaType.OciIndex}","manifests":[` +
        `{"mediaType":"${MediaType.OciManifest}","digest":"${dg(1)}","size":7,` +
        `"annotations":{"a":"b"},"platform":{"architecture":"arm64","os":"linux","variant":"v8"}}],` +
        `"annotations":{"org.opencontainers.image.ref.name":"x"}}`,
    );
    assert.equal(parseManifest(serializeIndex(index)).kind, "index");
  });

  it("escapes like Go", () => {
    assert.equal(
      text(encodeCompactJson({ a: "<b> & \u2028\u2029", "é": "ü" })),
      '{"a":"\\u003cb\\u003e \\u0026 \\u2028\\u2029","é":"ü"}',
    );
  });
});
