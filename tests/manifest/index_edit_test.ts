import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { InvalidManifestError, ManifestUnknownError } from "../../src/errors.ts";
import {
  addInstance,
  annotateInstance,
  createIndex,
  findInstance,
  parseIndex,
  removeInstance,
  serializeIndex,
  setIndexAnnotations,
  setIndexArtifactType,
  setIndexSubject,
} from "../../src/manifest/mod.ts";
import { type Descriptor, type ImageIndex, MediaType } from "../../src/types/mod.ts";
import { dg } from "./_fixtures.ts";

function instance(n: number, arch = "amd64"): Descriptor {
  return {
    mediaType: MediaType.DockerManifest,
    digest: dg(n),
    size: 500 + n,
    platform: { architecture: arch, os: "linux" },
  };
}

function twoInstances(): ImageIndex {
  return addInstance(addInstance(createIndex(), instance(1)), instance(2, "arm64"));
}

describe("index editing", () => {
  it("creates empty lists and indexes", () => {
    assert.deepEqual(createIndex(), {
      schemaVersion: 2,
      mediaType: MediaType.DockerManifestList,
      manifests: [],
    });
    assert.equal(createIndex(MediaType.OciIndex).mediaType, MediaType.OciIndex);
  });

  it("adds instances without touching the input", () => {
    const empty = createIndex();
    const one = addInstance(empty, instance(1));
    assert.equal(empty.manifests.length, 0);
    assert.deepEqual(one.manifests, [instance(1)]);
    const two = addInstance(one, instance(2, "arm64"));
    assert.deepEqual(two.manifests.map((d) => d.digest), [dg(1), dg(2)]);
    assert.equal(findInstance(two, dg(2))?.platform?.architecture, "arm64");
    assert.equal(findInstance(two, dg(3)), undefined);
  });

  it("replaces an instance with the same digest in place", () => {
    const replaced = addInstance(twoInstances(), { ...instance(1), size: 1 });
    assert.deepEqual(replaced.manifests.map((d) => [d.digest, d.size]), [[dg(1), 1], [dg(2), 502]]);
  });

  it("refuses malformed instances", () => {
    assert.throws(
      () => addInstance(createIndex(), { ...instance(1), digest: "x" }),
      InvalidManifestError,
    );
    assert.throws(
      () => addInstance(createIndex(), { ...instance(1), size: -5 }),
      InvalidManifestError,
    );
  });

  it("removes instances", () => {
    const index = twoInstances();
    const removed = removeInstance(index, dg(1));
    assert.deepEqual(removed.manifests.map((d) => d.digest), [dg(2)]);
    assert.equal(index.manifests.length, 2);
    assert.throws(() => removeInstance(index, dg(9)), ManifestUnknownError);
  });

  it("annotates instances", () => {
    let index = twoInstances();
    index = annotateInstance(index, dg(2), {
      annotations: { a: "1", b: "2" },
      variant: "v8",
      osVersion: "1.0",
      osFeatures: ["x"],
      features: ["sse4"],
      artifactType: "application/vnd.example",
      urls: ["https://example.com"],
    });
    assert.deepEqual(index.manifests[1], {
      ...instance(2, "arm64"),
      annotations: { a: "1", b: "2" },
      platform: {
        architecture: "arm64",
        os: "linux",
        variant: "v8",
        "os.version": "1.0",
        "os.features": ["x"],
        features: ["sse4"],
      },
      artifactType: "application/vnd.example",
      urls: ["https://example.com"],
    });
    index = annotateInstance(index, dg(2), {
      annotations: { b: "3" },
      removeAnnotations: ["a"],
      variant: "",
      osFeatures: [],
      urls: [],
      os: "freebsd",
    });
    assert.deepEqual(index.manifests[1].annotations, { b: "3" });
    assert.deepEqual(index.manifests[1].platform, {
      architecture: "arm64",
      os: "freebsd",
      "os.version": "1.0",
      features: ["sse4"],
    });
    assert.equal(index.manifests[1].urls, undefined);
    index = annotateInstance(index, dg(2), { removeAnnotations: ["b"] });
    assert.equal(index.manifests[1].annotations, undefined);
    assert.deepEqual(index.manifests[0], instance(1), "other entries untouched");
  });

  it("gives a platform to an instance that had none", () => {
    const bare = addInstance(createIndex(MediaType.OciIndex), {
      mediaType: MediaType.OciManifest,
      digest: dg(4),
      size: 4,
    });
    const annotated = annotateInstance(bare, dg(4), { architecture: "s390x", os: "linux" });
    assert.deepEqual(annotated.manifests[0].platform, { architecture: "s390x", os: "linux" });
    assert.throws(() => annotateInstance(bare, dg(5), { os: "linux" }), ManifestUnknownError);
    assert.throws(
      () => annotateInstance(bare, dg(4), { annotations: { a: 1 as unknown as string } }),
      InvalidManifestError,
    );
  });

  it("sets index annotations, subject and artifact type", () => {
    let index = createIndex(MediaType.OciIndex);
    index = setIndexAnnotations(index, { a: "1" });
    index = setIndexAnnotations(index, { b: "2" });
    assert.deepEqual(index.annotations, { a: "1", b: "2" });
    index = setIndexAnnotations(index, { c: "3" }, { replace: true });
    assert.deepEqual(index.annotations, { c: "3" });
    assert.equal(setIndexAnnotations(index, {}, { replace: true }).annotations, undefined);
    const subject: Descriptor = { mediaType: MediaType.OciManifest, digest: dg(8), size: 8 };
    index = setIndexSubject(index, subject);
    assert.deepEqual(index.subject, subject);
    assert.equal(setIndexSubject(index, undefined).subject, undefined);
    assert.throws(
      () => setIndexSubject(index, { ...subject, digest: "bad" }),
      InvalidManifestError,
    );
    index = setIndexArtifactType(index, "application/vnd.example");
    assert.equal(index.artifactType, "application/vnd.example");
    assert.equal(setIndexArtifactType(index, "").artifactType, undefined);
  });

  it("serializes edited lists to documents that parse back", () => {
    const list = annotateInstance(twoInstances(), dg(2), { variant: "v8" });
    const parsed = parseIndex(serializeIndex(list));
    assert.equal(parsed.mediaType, MediaType.DockerManifestList);
    assert.deepEqual(parsed.index, list);
  });
});
