import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { listImages } from "../../src/runtime/list_images.ts";
import { InvalidFilterError, StoreLockedError } from "../../src/errors.ts";
import { makeContext } from "./_context.ts";
import { buildImage, buildManifestList } from "./_images.ts";

const FORMAT = `must be in the format "filter=value or filter!=value"`;

async function ids(ctx: Parameters<typeof listImages>[0], ...filters: string[]) {
  return (await listImages(ctx, { filters })).map((s) => s.id);
}

describe("listImages", () => {
  it("lists every image with its summary", async () => {
    const { ctx, store, containers } = await makeContext();
    const a = await buildImage(store, {
      names: ["docker.io/library/alpine:3"],
      labels: { x: "1" },
    });
    const b = await buildImage(store, { parent: a, names: ["localhost/app:latest"] });
    containers.push({ id: "c1", imageId: b.record.id });
    const list = await listImages(ctx);
    assert.deepEqual(list.map((s) => s.id), [a.record.id, b.record.id]);
    const [sa, sb] = list;
    assert.deepEqual(sa.repoTags, ["docker.io/library/alpine:3"]);
    assert.deepEqual(sa.repoDigests, [`docker.io/library/alpine@${a.manifestDigest}`]);
    assert.deepEqual(sa.labels, { x: "1" });
    assert.equal(sa.parent, "");
    assert.equal(sb.parent, a.record.id);
    assert.equal(sb.containers, 1);
    assert.equal(sa.containers, 0);
    assert.equal(sa.dangling, false);
    assert.equal(sa.created.toISOString(), a.config.created);
  });

  it("rejects unknown keys and malformed filters with libimage's message", async () => {
    const { ctx, store } = await makeContext();
    await buildImage(store);
    await assert.rejects(listImages(ctx, { filters: ["color=red"] }), (error: Error) => {
      assert.ok(error instanceof InvalidFilterError);
      assert.ok(error.message.includes(`invalid image filter "color": ${FORMAT}`), error.message);
      return true;
    });
    await assert.rejects(
      listImages(ctx, { filters: ["dangling"] }),
      (error: Error) => error.message.includes(`invalid image filter "dangling": ${FORMAT}`),
    );
  });

  it("rejects bool-like keys set twice with different values, and non-booleans", async () => {
    const { ctx, store } = await makeContext();
    await buildImage(store);
    for (const key of ["dangling", "intermediate", "readonly", "manifest", "containers"]) {
      await assert.rejects(
        listImages(ctx, { filters: [`${key}=true`, `${key}=false`] }),
        /more than once with different values/,
        key,
      );
    }
    assert.equal((await ids(ctx, "readonly=false", "readonly=false")).length, 1);
    await assert.rejects(listImages(ctx, { filters: ["dangling=yes"] }), /non-boolean value "yes"/);
    await assert.rejects(listImages(ctx, { filters: ["containers=maybe"] }), /unsupported value/);
  });

  it("accepts Go ParseBool spellings", async () => {
    const { ctx, store } = await makeContext();
    const ro = await buildImage(store, { readOnly: true });
    await buildImage(store);
    for (const v of ["1", "t", "T", "TRUE", "True"]) {
      assert.deepEqual(await ids(ctx, `readonly=${v}`), [ro.record.id]);
    }
    assert.equal((await ids(ctx, "readonly=F")).length, 1);
  });

  it("filters by since/after/before an image and fails on an unknown one", async () => {
    const { ctx, store } = await makeContext();
    const a = await buildImage(store, {
      names: ["localhost/a:1"],
      created: "2024-01-01T00:00:00Z",
    });
    const b = await buildImage(store, {
      names: ["localhost/b:1"],
      created: "2024-02-01T00:00:00Z",
    });
    const c = await buildImage(store, {
      names: ["localhost/c:1"],
      created: "2024-03-01T00:00:00Z",
    });
    assert.deepEqual(await ids(ctx, "since=localhost/a:1"), [b.record.id, c.record.id]);
    assert.deepEqual(await ids(ctx, "after=b:1"), [c.record.id]);
    assert.deepEqual(await ids(ctx, "before=localhost/c:1"), [a.record.id, b.record.id]);
    assert.deepEqual(await ids(ctx, "since=a:1", "before=c:1"), [b.record.id]);
    assert.deepEqual(await ids(ctx, "since!=a:1"), [a.record.id]);
    await assert.rejects(
      listImages(ctx, { filters: ["since=nothere"] }),
      /could not find local image for filter "since"="nothere"/,
    );
  });

  it("filters by until with durations, dates and Unix seconds", async () => {
    const { ctx, store } = await makeContext({ now: new Date("2025-01-01T00:00:00Z") });
    const old = await buildImage(store, { created: "2024-12-31T22:00:00Z" });
    await buildImage(store, { created: "2024-12-31T23:55:00Z" });
    assert.deepEqual(await ids(ctx, "until=1h"), [old.record.id]);
    assert.deepEqual(await ids(ctx, "until=2024-12-31T23:00:00Z"), [old.record.id]);
    assert.deepEqual(await ids(ctx, `until=${Date.parse("2024-12-31T23:00:00Z") / 1000}`), [
      old.record.id,
    ]);
    await assert.rejects(listImages(ctx, { filters: ["until=bogus-date"] }), InvalidFilterError);
  });

  it("filters by containers=true|false|external", async () => {
    const { ctx, store, containers } = await makeContext();
    const used = await buildImage(store);
    const ext = await buildImage(store);
    const free = await buildImage(store);
    containers.push({ id: "c1", imageId: used.record.id });
    containers.push({ id: "c2", imageId: ext.record.id, external: true });
    assert.deepEqual(await ids(ctx, "containers=true"), [used.record.id, ext.record.id]);
    assert.deepEqual(await ids(ctx, "containers=false"), [free.record.id]);
    assert.deepEqual(await ids(ctx, "containers=external"), [ext.record.id, free.record.id]);
  });

  it("filters dangling and intermediate images", async () => {
    const { ctx, store } = await makeContext();
    const base = await buildImage(store);
    const child = await buildImage(store, { parent: base, names: ["localhost/child:1"] });
    const lonely = await buildImage(store);
    assert.deepEqual(await ids(ctx, "dangling=true"), [lonely.record.id]);
    assert.deepEqual(await ids(ctx, "intermediate=true"), [base.record.id]);
    assert.deepEqual(await ids(ctx, "dangling!=true"), [base.record.id, child.record.id]);
  });

  it("never considers images inside a manifest list dangling", async () => {
    const { ctx, store } = await makeContext();
    const amd = await buildImage(store);
    const arm = await buildImage(store, { architecture: "arm64" });
    const list = await buildManifestList(store, [amd, arm], ["localhost/multi:latest"]);
    assert.deepEqual(await ids(ctx, "dangling=true"), []);
    assert.deepEqual(await ids(ctx, "manifest=true"), [list.id]);
    assert.deepEqual(await ids(ctx, "manifest=false"), [amd.record.id, arm.record.id]);
  });

  it("filters by id prefix, digest prefix and label", async () => {
    const { ctx, store } = await makeContext();
    const a = await buildImage(store, { labels: { "com.example.tier": "web", maintainer: "x" } });
    const b = await buildImage(store, { labels: { maintainer: "y" } });
    assert.deepEqual(await ids(ctx, `id=${a.record.id.slice(0, 8)}`), [a.record.id]);
    assert.deepEqual(await ids(ctx, `digest=${b.manifestDigest.slice(0, 20)}`), [b.record.id]);
    await assert.rejects(
      listImages(ctx, { filters: [`digest=${b.manifestDigest.slice(7)}`] }),
      /invalid value .* for digest filter/,
    );
    assert.deepEqual(await ids(ctx, "label=maintainer"), [a.record.id, b.record.id]);
    assert.deepEqual(await ids(ctx, "label=maintainer=y"), [b.record.id]);
    assert.deepEqual(await ids(ctx, "label=*tier=web"), [a.record.id]);
    assert.deepEqual(await ids(ctx, "label!=maintainer=y"), [a.record.id]);
    assert.deepEqual(await ids(ctx, "label=maintainer", "label=com.example.tier"), [a.record.id]);
  });

  it("ORs positive references and excludes on any negative one", async () => {
    const { ctx, store } = await makeContext();
    const alpine = await buildImage(store, { names: ["docker.io/library/alpine:3"] });
    const busy = await buildImage(store, { names: ["docker.io/library/busybox:latest"] });
    const app = await buildImage(store, { names: ["quay.io/team/app:v1"] });
    assert.deepEqual(await ids(ctx, "reference=alpine"), [alpine.record.id]);
    assert.deepEqual(await ids(ctx, "reference=alp*"), [alpine.record.id]);
    assert.deepEqual(await ids(ctx, "reference=*/app:v1"), [app.record.id]);
    assert.deepEqual(await ids(ctx, "reference=quay.io/team/app"), [app.record.id]);
    assert.deepEqual(await ids(ctx, "reference=alpine", "reference=busybox"), [
      alpine.record.id,
      busy.record.id,
    ]);
    assert.deepEqual(await ids(ctx, "reference!=alpine", "reference!=busybox"), [app.record.id]);
    assert.deepEqual(await ids(ctx, "reference=*", "reference!=app:*"), [
      alpine.record.id,
      busy.record.id,
    ]);
    assert.deepEqual(await ids(ctx, "reference=nomatch*"), []);
    assert.deepEqual(await ids(ctx, "reference=[bad"), []);
  });

  it("matches a reference that a lookup resolves to the image (by ID prefix)", async () => {
    const { ctx, store } = await makeContext();
    const a = await buildImage(store, { names: ["docker.io/library/alpine:3"] });
    await buildImage(store, { names: ["docker.io/library/busybox:1"] });
    assert.deepEqual(await ids(ctx, `reference=${a.record.id.slice(0, 12)}`), [a.record.id]);
  });

  it("rewrites names to the one matching canonical tagged reference", async () => {
    const { ctx, store } = await makeContext();
    await buildImage(store, {
      names: ["docker.io/library/alpine:3", "docker.io/library/alpine:latest", "quay.io/x/y:1"],
    });
    const [only] = await listImages(ctx, {
      filters: ["reference=docker.io/library/alpine:latest"],
    });
    assert.deepEqual(only.names, ["docker.io/library/alpine:latest"]);
    assert.deepEqual(only.repoTags, ["docker.io/library/alpine:latest"]);
    const [all] = await listImages(ctx, {
      filters: ["reference=docker.io/library/alpine:latest", "reference=quay.io/x/y:1"],
    });
    assert.equal(all.names.length, 3);
    const [glob] = await listImages(ctx, { filters: ["reference=alpine:latest"] });
    assert.equal(glob.names.length, 3);
  });

  it("rewrites names to the repository of a canonical digested reference", async () => {
    const { ctx, store } = await makeContext();
    const a = await buildImage(store, {
      names: ["docker.io/library/alpine:3", "docker.io/library/alpine:latest", "quay.io/x/y:1"],
    });
    const [only] = await listImages(ctx, {
      filters: [`reference=docker.io/library/alpine@${a.manifestDigest}`],
    });
    assert.deepEqual(only.names, ["docker.io/library/alpine:3", "docker.io/library/alpine:latest"]);
  });

  it("leaves out a corrupted image whose filter evaluation fails", async () => {
    const { ctx, store } = await makeContext();
    const good = await buildImage(store, { labels: { a: "1" } });
    const bad = await buildImage(store, { labels: { a: "1" } });
    await ctx.fs.remove(`/store/blobs/sha256/${bad.record.id}`);
    assert.deepEqual(await ids(ctx, "label=a"), [good.record.id]);
    // Without a filter that needs the config the image is still listed.
    assert.deepEqual(await ids(ctx, "readonly=false"), [good.record.id, bad.record.id]);
  });

  it("rethrows what is not corruption: an I/O error, a lock timeout", async () => {
    const { ctx, store } = await makeContext();
    await buildImage(store, { labels: { a: "1" } });
    const failure = Object.assign(new Error("EIO: i/o error, read"), { code: "EIO" });
    const locked = new StoreLockedError("/store", "timed out waiting for the lock");
    // The store, with some methods failing.
    const failing = (errors: Record<string, Error>) => ({
      ...ctx,
      store: new Proxy(store, {
        get(target, property) {
          const error = errors[String(property)];
          if (error) return () => Promise.reject(error);
          const value = Reflect.get(target, property, target);
          return typeof value === "function" ? value.bind(target) : value;
        },
      }),
    });
    const unreadable = failing({ readBlobBytes: failure });
    await assert.rejects(listImages(unreadable), (error) => error === failure);
    await assert.rejects(listImages(unreadable, { filters: ["label=a"] }), (e) => e === failure);
    // The corruption check itself failing is not corruption either.
    const busy = failing({ readBlobBytes: failure, isCorrupted: locked });
    await assert.rejects(listImages(busy), (error) => error === locked);
  });
});
