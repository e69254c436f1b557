import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  baseMediaType,
  convertLayerMediaType,
  EMPTY_DESCRIPTOR,
  EMPTY_JSON_DIGEST,
  isConfigType,
  isDockerLayerType,
  isDockerType,
  isImageManifestType,
  isLayerType,
  isManifestListType,
  isManifestType,
  isNondistributableLayerType,
  isOciLayerType,
  isOciType,
  isSchema1Type,
  layerCompression,
  layerMediaType,
  MediaType,
} from "../../src/types/mod.ts";
import { createHash } from "node:crypto";

// [media type, list?, image?, schema1?, config?, layer compression or undefined, nondistributable]
const TABLE: Array<[string, boolean, boolean, boolean, boolean, string | undefined, boolean]> = [
  [MediaType.OciIndex, true, false, false, false, undefined, false],
  [MediaType.DockerManifestList, true, false, false, false, undefined, false],
  [MediaType.OciManifest, false, true, false, false, undefined, false],
  [MediaType.DockerManifest, false, true, false, false, undefined, false],
  [MediaType.DockerSchema1, false, false, true, false, undefined, false],
  [MediaType.DockerSchema1Signed, false, false, true, false, undefined, false],
  [MediaType.OciConfig, false, false, false, true, undefined, false],
  [MediaType.DockerConfig, false, false, false, true, undefined, false],
  [MediaType.OciEmpty, false, false, false, false, undefined, false],
  [MediaType.OciLayer, false, false, false, false, "none", false],
  [MediaType.OciLayerGzip, false, false, false, false, "gzip", false],
  [MediaType.OciLayerZstd, false, false, false, false, "zstd", false],
  [MediaType.OciLayerNondistributable, false, false, false, false, "none", true],
  [MediaType.OciLayerNondistributableGzip, false, false, false, false, "gzip", true],
  [MediaType.OciLayerNondistributableZstd, false, false, false, false, "zstd", true],
  [MediaType.DockerLayer, false, false, false, false, "none", false],
  [MediaType.DockerLayerGzip, false, false, false, false, "gzip", false],
  [MediaType.DockerForeignLayer, false, false, false, false, "none", true],
  [MediaType.DockerForeignLayerGzip, false, false, false, false, "gzip", true],
  ["application/json", false, false, false, false, undefined, false],
  ["", false, false, false, false, undefined, false],
  ["application/vnd.oci.image.manifest.v1+json ", false, false, false, false, undefined, false],
];

describe("media type predicates", () => {
  for (const [type, list, image, schema1, config, compression, nondist] of TABLE) {
    it(`classifies ${JSON.stringify(type)}`, () => {
      assert.equal(isManifestListType(type), list);
      assert.equal(isImageManifestType(type), image);
      assert.equal(isSchema1Type(type), schema1);
      assert.equal(isManifestType(type), list || image || schema1);
      assert.equal(isConfigType(type), config);
      assert.equal(layerCompression(type), compression);
      assert.equal(isLayerType(type), compression !== undefined);
      assert.equal(isNondistributableLayerType(type), nondist);
    });
  }

  it("tells OCI from Docker", () => {
    assert.ok(isOciType(MediaType.OciLayerZstd));
    assert.ok(!isOciType(MediaType.DockerLayerGzip));
    assert.ok(isDockerType(MediaType.DockerSchema1Signed));
    assert.ok(isOciLayerType(MediaType.OciLayer));
    assert.ok(!isOciLayerType(MediaType.DockerLayer));
    assert.ok(isDockerLayerType(MediaType.DockerForeignLayerGzip));
    assert.ok(!isDockerLayerType(MediaType.OciConfig));
  });

  it("builds layer media types and says when a format cannot express one", () => {
    assert.equal(layerMediaType("oci", "zstd"), MediaType.OciLayerZstd);
    assert.equal(layerMediaType("oci", "gzip", true), MediaType.OciLayerNondistributableGzip);
    assert.equal(layerMediaType("docker", "none"), MediaType.DockerLayer);
    assert.equal(layerMediaType("docker", "gzip", true), MediaType.DockerForeignLayerGzip);
    assert.equal(layerMediaType("docker", "zstd"), undefined);
    assert.equal(
      convertLayerMediaType(MediaType.OciLayerGzip, "docker"),
      MediaType.DockerLayerGzip,
    );
    assert.equal(
      convertLayerMediaType(MediaType.DockerForeignLayerGzip, "oci"),
      MediaType.OciLayerNondistributableGzip,
    );
    assert.equal(convertLayerMediaType(MediaType.OciLayerZstd, "docker"), undefined);
    assert.equal(convertLayerMediaType("text/plain", "oci"), undefined);
  });

  it("strips content type parameters", () => {
    assert.equal(baseMediaType("application/JSON; charset=utf-8"), "application/json");
    assert.equal(baseMediaType(` ${MediaType.OciIndex} `), MediaType.OciIndex);
    assert.equal(baseMediaType(""), "");
  });

  it("describes the OCI empty blob correctly", () => {
    const hex = createHash("sha256").update("{}").digest("hex");
    assert.equal(EMPTY_JSON_DIGEST, `sha256:${hex}`);
    assert.equal(atob(EMPTY_DESCRIPTOR.data as string), "{}");
    assert.equal(EMPTY_DESCRIPTOR.size, 2);
    assert.ok(Object.isFrozen(EMPTY_DESCRIPTOR));
  });
});
