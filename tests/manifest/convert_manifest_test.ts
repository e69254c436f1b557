import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ManifestConversionError } from "../../src/errors.ts";
import {
  convertIndex,
  convertManifest,
  imageManifestMediaType,
  parseManifest,
  serializeIndex,
  serializeManifest,
} from "../../src/manifest/mod.ts";
import {
  EMPTY_DESCRIPTOR,
  type ImageIndex,
  type ImageManifest,
  MediaType,
} from "../../src/types/mod.ts";
import { dg, DOCKER_MANIFEST_TEXT, dockerList, ociIndex, ociManifest } from "./_fixtures.ts";

const oci = () => ociManifest() as unknown as ImageManifest;
const docker = () => JSON.parse(DOCKER_MANIFEST_TEXT) as ImageManifest;

describe("convertManifest", () => {
  it("converts OCI to Docker and back", () => {
    const source = oci();
    const d = convertManifest(source, MediaType.DockerManifest);
    assert.deepEqual(d, {
      schemaVersion: 2,
      mediaType: MediaType.DockerManifest,
      config: { mediaType: MediaType.DockerConfig, digest: dg("c"), size: 1472 },
      layers: [
        { mediaType: MediaType.DockerLayerGzip, digest: dg("a"), size: 2813316 },
        { mediaType: MediaType.DockerLayer, digest: dg("d"), size: 10240 },
      ],
    });
    const back = convertManifest(d, MediaType.OciManifest);
    assert.deepEqual(back, { ...without(source, "annotations") });
    assert.equal(source.mediaType, MediaType.OciManifest, "input untouched");
    // Both serialize to documents that parse and validate as their type.
    assert.equal(parseManifest(serializeManifest(d)).mediaType, MediaType.DockerManifest);
    assert.equal(parseManifest(serializeManifest(back)).mediaType, MediaType.OciManifest);
  });

  it("converts Docker to OCI and back, keeping foreign layers' URLs", () => {
    const o = convertManifest(docker(), MediaType.OciManifest);
    assert.equal(o.config.mediaType, MediaType.OciConfig);
    assert.deepEqual(o.layers.map((l) => l.mediaType), [
      MediaType.OciLayerGzip,
      MediaType.OciLayerNondistributableGzip,
    ]);
    assert.deepEqual(o.layers[1].urls, ["https://example.com/layer"]);
    assert.deepEqual(convertManifest(o, MediaType.DockerManifest), docker());
  });

  it("returns a copy when the type already matches", () => {
    const source = oci();
    const same = convertManifest(source, MediaType.OciManifest);
    assert.deepEqual(same, source);
    assert.notEqual(same, source);
    assert.notEqual(same.layers, source.layers);
  });

  it("detects the source type when mediaType is absent", () => {
    const m = without(oci(), "mediaType");
    assert.equal(imageManifestMediaType(m), MediaType.OciManifest);
    assert.equal(convertManifest(m, MediaType.DockerManifest).mediaType, MediaType.DockerManifest);
    assert.equal(imageManifestMediaType(without(docker(), "mediaType")), MediaType.DockerManifest);
  });

  const refusals: Array<[string, ImageManifest, string, RegExp]> = [
    [
      "zstd layers to Docker",
      {
        ...oci(),
        layers: [{ mediaType: MediaType.OciLayerZstd, digest: dg("a"), size: 1 }],
      },
      MediaType.DockerManifest,
      /layer 0 is zstd-compressed/,
    ],
    [
      "non-distributable zstd layers to Docker",
      {
        ...oci(),
        layers: [{ mediaType: MediaType.OciLayerNondistributableZstd, digest: dg("a"), size: 1 }],
      },
      MediaType.DockerManifest,
      /zstd/,
    ],
    [
      "unknown layers to Docker",
      {
        ...oci(),
        layers: [{ mediaType: "application/vnd.example.blob", digest: dg("a"), size: 1 }],
      },
      MediaType.DockerManifest,
      /has no equivalent/,
    ],
    [
      "an artifact to Docker",
      {
        ...oci(),
        artifactType: "application/vnd.example+json",
      },
      MediaType.DockerManifest,
      /it is an artifact/,
    ],
    [
      "an empty config to Docker",
      { ...oci(), config: { ...EMPTY_DESCRIPTOR } },
      MediaType.DockerManifest,
      /not an image config/,
    ],
    [
      "a subject to Docker",
      {
        ...oci(),
        subject: { mediaType: MediaType.OciManifest, digest: dg(1), size: 2 },
      },
      MediaType.DockerManifest,
      /subject/,
    ],
    [
      "a plugin config to OCI",
      {
        ...docker(),
        config: { mediaType: MediaType.DockerPluginConfig, digest: dg(1), size: 2 },
      },
      MediaType.OciManifest,
      /not an image config/,
    ],
    ["to an index type", oci(), MediaType.OciIndex, /not an image manifest media type/],
  ];
  for (const [name, manifest, to, pattern] of refusals) {
    it(`refuses ${name}`, () => {
      assert.throws(
        () => convertManifest(manifest, to as typeof MediaType.OciManifest, { what: "img" }),
        (e) =>
          e instanceof ManifestConversionError && e.code === "ManifestConversion" &&
          e.target === to && e.message.startsWith(`Cannot convert manifest "img" to "${to}": `) &&
          pattern.test(e.message),
      );
    });
  }
});

describe("convertIndex", () => {
  it("converts an OCI index to a Docker list and back", () => {
    const index = { ...ociIndex(), annotations: { a: "b" } } as unknown as ImageIndex;
    const list = convertIndex(index, MediaType.DockerManifestList);
    assert.equal(list.mediaType, MediaType.DockerManifestList);
    assert.equal(list.annotations, undefined);
    assert.equal(list.manifests[1].annotations, undefined);
    assert.equal(list.manifests[1].mediaType, MediaType.OciManifest, "entries keep their type");
    assert.deepEqual(list.manifests[1].platform, index.manifests[1].platform);
    const parsed = parseManifest(serializeIndex(list));
    assert.equal(parsed.mediaType, MediaType.DockerManifestList);
    const back = convertIndex(list, MediaType.OciIndex);
    assert.equal(back.mediaType, MediaType.OciIndex);
    assert.deepEqual(back.manifests.map((d) => d.digest), [dg(1), dg(2)]);
    assert.equal(index.annotations?.a, "b", "input untouched");
  });

  it("replaces entries through mapInstance", () => {
    const list = dockerList() as unknown as ImageIndex;
    const converted = convertIndex(list, MediaType.OciIndex, {
      mapInstance: (d) => ({ ...d, mediaType: MediaType.OciManifest, digest: dg(7), size: 9 }),
    });
    assert.deepEqual(converted.manifests[0], {
      mediaType: MediaType.OciManifest,
      digest: dg(7),
      size: 9,
      platform: { architecture: "arm", os: "linux", variant: "v7" },
    });
    assert.equal(list.manifests[0].digest, dg(3));
  });

  it("refuses what a Docker list cannot hold", () => {
    const base = ociIndex() as unknown as ImageIndex;
    const cases: Array<[ImageIndex, RegExp]> = [
      [
        { ...base, subject: { mediaType: MediaType.OciManifest, digest: dg(1), size: 1 } },
        /subject/,
      ],
      [{ ...base, artifactType: "application/vnd.example" }, /artifact/],
      [{
        ...base,
        manifests: [{ mediaType: MediaType.OciIndex, digest: dg(1), size: 1 }],
      }, /manifests\[0\] has media type/],
    ];
    for (const [index, pattern] of cases) {
      assert.throws(
        () => convertIndex(index, MediaType.DockerManifestList),
        (e) => e instanceof ManifestConversionError && pattern.test(e.message),
      );
    }
    assert.throws(
      () => convertIndex(base, MediaType.OciManifest as typeof MediaType.OciIndex),
      ManifestConversionError,
    );
  });
});

function without<T extends object>(value: T, key: keyof T): T {
  const copy = { ...value };
  delete copy[key];
  return copy;
}
