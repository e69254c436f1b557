import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "../../src/runtime/inspect.ts";
import { ImageNotFoundError } from "../../src/errors.ts";
import { makeContext } from "./_context.ts";
import { buildImage } from "./_images.ts";

describe("inspect", () => {
  it("reports an OCI image's data, sizes -1 without withSize", async () => {
    const { ctx, store } = await makeContext();
    const a = await buildImage(store, {
      names: ["docker.io/library/alpine:3"],
      labels: { l: "v" },
      annotations: { "org.example": "yes" },
      extra: { author: "me", config: { User: "app" } },
    });
    const data = await inspect(ctx, "alpine:3");
    assert.equal(data.Id, a.record.id);
    assert.equal(data.Digest, a.manifestDigest);
    assert.deepEqual(data.RepoTags, ["docker.io/library/alpine:3"]);
    assert.deepEqual(data.RepoDigests, [`docker.io/library/alpine@${a.manifestDigest}`]);
    assert.equal(data.Size, -1);
    assert.equal(data.VirtualSize, -1);
    assert.equal(data.Parent, "");
    assert.equal(data.Author, "me");
    assert.equal(data.User, "app");
    assert.equal(data.Architecture, "amd64");
    assert.equal(data.Os, "linux");
    assert.deepEqual(data.Labels, { l: "v" });
    assert.deepEqual(data.Annotations, { "org.example": "yes" });
    assert.deepEqual(data.RootFS, { Type: "layers", Layers: a.layers.map((l) => l.digest) });
    assert.equal(data.ManifestType, "application/vnd.oci.image.manifest.v1+json");
    assert.equal(data.History.length, 1);
    assert.deepEqual(data.NamesHistory, ["docker.io/library/alpine:3"]);
    assert.equal(data.Healthcheck, undefined);
  });

  it("fills Size and Parent on request, and Annotations is never null", async () => {
    const { ctx, store } = await makeContext();
    const base = await buildImage(store, { names: ["localhost/base:1"] });
    const child = await buildImage(store, { parent: base, names: ["localhost/child:1"] });
    const data = await inspect(ctx, "child:1", { withSize: true, withParent: true });
    assert.equal(data.Parent, base.record.id);
    assert.equal(data.Size, child.record.size);
    assert.equal(data.VirtualSize, child.record.size);
    assert.deepEqual(data.Annotations, {});
  });

  it("takes Docker's comment and health check (config over container_config)", async () => {
    const { ctx, store } = await makeContext();
    await buildImage(store, {
      names: ["localhost/d:1"],
      docker: true,
      extra: {
        comment: "docker comment",
        docker_version: "24.0",
        container_config: { Healthcheck: { Test: ["CMD", "old"] } },
        config: { Healthcheck: { Test: ["CMD", "new"] } },
      },
    });
    const data = await inspect(ctx, "d:1");
    assert.equal(data.Comment, "docker comment");
    assert.equal(data.Version, "24.0");
    assert.deepEqual(data.Healthcheck, { Test: ["CMD", "new"] });
  });

  it("reflects new names after tagging (cache keeps only static data)", async () => {
    const { ctx, store } = await makeContext();
    const a = await buildImage(store, { names: ["localhost/a:1"], labels: { k: "v" } });
    await inspect(ctx, "a:1");
    await store.changeNames(a.record.id, { add: ["localhost/a:2"] });
    const data = await inspect(ctx, "a:1");
    assert.deepEqual(data.RepoTags, ["localhost/a:1", "localhost/a:2"]);
    data.Labels!["mutated"] = "x";
    assert.equal((await inspect(ctx, "a:1")).Labels?.["mutated"], undefined);
  });

  it("fails for unknown images", async () => {
    const { ctx } = await makeContext();
    await assert.rejects(inspect(ctx, "nothere"), ImageNotFoundError);
  });
});
