// In-process tests of the server app (app.request): every route's happy path, the error
// mapping, and hostile requests.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { Runtime, runtimeParts } from "../../src/runtime/mod.ts";
import { API_VERSION, authorized, createServerApp, type ServerApp } from "../../src/server/mod.ts";
import { containersStorageTransport } from "../../src/transports/containers_storage/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { type RandomImage, randomImage } from "../helpers/random_image.ts";

let dir: string;
let runtime: Runtime;
let server: ServerApp;
let image: RandomImage;
const TOKEN = "s3cret-token-value";

async function addImage(name: string, img: RandomImage): Promise<void> {
  const memory = memoryTransport();
  memory.store.add("x:y", img);
  await copyBetween(
    memory.parse("x:y"),
    containersStorageTransport(runtimeParts(runtime).store).parse(name),
    {
      context: { fs: new NodeFileSystem() },
    },
  );
}

function req(path: string, init?: RequestInit): Promise<Response> {
  return Promise.resolve(server.app.request(path, init));
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "stevedore-app-"));
  runtime = await Runtime.open({
    root: join(dir, "store"),
    env: {},
    homeDir: dir,
    uid: 1000,
    hostPlatform: { os: "linux", architecture: "amd64" },
    tmpDir: dir,
    warn: () => {},
  });
  server = createServerApp(runtime);
  image = randomImage({ layers: 2, layerSize: 100 });
  await addImage("docker.io/library/app:v1", image);
});

after(async () => {
  server.close();
  await rm(dir, { recursive: true, force: true });
});

describe("system routes", () => {
  it("answers GET and HEAD /_ping with the API version", async () => {
    const get = await req("/_ping");
    assert.equal(get.status, 200);
    assert.equal(await get.text(), "OK");
    assert.equal(get.headers.get("api-version"), API_VERSION);
    const head = await req("/_ping", { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("api-version"), API_VERSION);
  });

  it("serves /version and /info under a version prefix", async () => {
    const version = await (await req(`/v${API_VERSION}/version`)).json();
    assert.equal(version.ApiVersion, API_VERSION);
    const info = await (await req("/v1.41/info")).json();
    assert.equal(info.Images, 1);
  });

  it("refuses API versions out of range", async () => {
    const tooNew = await req("/v9.99/version");
    assert.equal(tooNew.status, 400);
    assert.match((await tooNew.json()).message, /too new/);
    const tooOld = await req("/v1.12/version");
    assert.equal(tooOld.status, 400);
    assert.match((await tooOld.json()).message, /too old/);
  });

  it("answers 501 with a JSON message for what is not about images", async () => {
    for (const path of ["/containers/json", "/v1.47/networks", "/volumes"]) {
      const response = await req(path);
      assert.equal(response.status, 501, path);
      assert.match((await response.json()).message, /not implemented/);
    }
  });
});

describe("image routes", () => {
  it("lists images in Docker's shape", async () => {
    const list = await (await req("/images/json")).json();
    assert.equal(list.length, 1);
    assert.deepEqual(list[0].RepoTags, ["app:v1"]);
    assert.equal(list[0].Id, image.config.digest);
    assert.equal(list[0].Created, Date.parse("2024-01-01T00:00:00Z") / 1000);
  });

  it("passes filters to the runtime and rejects malformed ones", async () => {
    const some = encodeURIComponent(JSON.stringify({ reference: { "app:*": true } }));
    assert.equal((await (await req(`/images/json?filters=${some}`)).json()).length, 1);
    const none = encodeURIComponent(JSON.stringify({ reference: ["nothing*"] }));
    assert.equal((await (await req(`/images/json?filters=${none}`)).json()).length, 0);
    const bad = await req("/images/json?filters=%7Bnot-json");
    assert.equal(bad.status, 400);
    const unknown = encodeURIComponent(JSON.stringify({ bogus: ["x"] }));
    assert.equal((await req(`/images/json?filters=${unknown}`)).status, 400);
  });

  it("inspects by short name, full name with slashes, and ID", async () => {
    for (const name of ["app:v1", "docker.io/library/app:v1", image.config.digest.slice(7, 19)]) {
      const response = await req(`/images/${name}/json`);
      assert.equal(response.status, 200, name);
      const data = await response.json();
      assert.equal(data.Id, image.config.digest);
      assert.equal(data.Os, "linux");
      assert.deepEqual(data.RootFS.Layers, image.layers.map((l) => l.diffId));
    }
  });

  it("maps a missing image to 404 No such image", async () => {
    const response = await req("/images/nothing:here/json");
    assert.equal(response.status, 404);
    assert.equal((await response.json()).message, "No such image: nothing:here");
  });

  it("gives the history newest first", async () => {
    const rows = await (await req("/images/app:v1/history")).json();
    assert.equal(rows.length, 2);
    assert.equal(rows[0].CreatedBy, "step 1");
    assert.equal(rows[0].Id, image.config.digest);
  });

  it("tags, untags by removal, and reports what it did", async () => {
    const tagged = await req("/images/app:v1/tag?repo=example.com/team/app&tag=v2", {
      method: "POST",
    });
    assert.equal(tagged.status, 201);
    const data = await (await req("/images/example.com/team/app:v2/json")).json();
    assert.deepEqual(data.RepoTags.sort(), ["app:v1", "example.com/team/app:v2"]);
    const removed = await req("/images/example.com/team/app:v2", { method: "DELETE" });
    assert.equal(removed.status, 200);
    assert.deepEqual(await removed.json(), [{ Untagged: "example.com/team/app:v2" }]);
  });

  it("rejects bad tags and a tag without repo", async () => {
    const bad = await req("/images/app:v1/tag?repo=UPPER&tag=x", { method: "POST" });
    assert.equal(bad.status, 400);
    const missing = await req("/images/app:v1/tag", { method: "POST" });
    assert.equal(missing.status, 400);
  });

  it("removes an image and reports Untagged then Deleted", async () => {
    await addImage("docker.io/library/gone:v1", randomImage({ layers: 1, layerSize: 50 }));
    const response = await req("/images/gone:v1?force=1", { method: "DELETE" });
    assert.equal(response.status, 200);
    const report = await response.json();
    assert.deepEqual(report[0], { Untagged: "gone:v1" });
    assert.ok(report[1].Deleted.startsWith("sha256:"));
    assert.equal((await req("/images/gone:v1", { method: "DELETE" })).status, 404);
  });

  it("prunes dangling images", async () => {
    const response = await req("/images/prune", { method: "POST" });
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.SpaceReclaimed, 0);
    assert.equal(body.ImagesDeleted, null);
  });

  it("streams a pull failure as an errorDetail line", async () => {
    const response = await req("/images/create?fromImage=127.0.0.1:1/none&tag=v1", {
      method: "POST",
    });
    assert.equal(response.status, 200);
    const lines = (await response.text()).trim().split("\r\n").map((l) => JSON.parse(l));
    const last = lines[lines.length - 1];
    assert.equal(typeof last.errorDetail.message, "string");
    assert.equal(last.error, last.errorDetail.message);
  });

  it("requires fromImage or fromSrc and rejects bad references", async () => {
    assert.equal((await req("/images/create", { method: "POST" })).status, 400);
    const bad = await req("/images/create?fromImage=Bad%20Name", { method: "POST" });
    assert.equal(bad.status, 400);
  });

  it("replays image events with since and until", async () => {
    const now = Date.now() / 1000;
    await runtime.tag("app:v1", "localhost/evented:v1");
    const response = await req(`/events?since=${now - 60}&until=${Date.now() / 1000 + 0.5}`);
    const events = (await response.text()).trim().split("\r\n").map((l) => JSON.parse(l));
    const tag = events.find((e) =>
      e.Action === "tag" && e.Actor.Attributes.name === "localhost/evented:v1"
    );
    assert.ok(tag, JSON.stringify(events));
    assert.equal(tag.Type, "image");
    assert.equal(tag.Actor.ID, image.config.digest);
    const filtered = encodeURIComponent(JSON.stringify({ event: ["pull"] }));
    const none = await req(
      `/events?since=${now - 60}&until=${Date.now() / 1000}&filters=${filtered}`,
    );
    assert.equal((await none.text()).trim(), "");
  });
});

describe("hostile requests", () => {
  it("refuses traversal and odd names", async () => {
    // ("zz" after the dot segments: not an image name here, nor hex that could be an ID prefix)
    for (const path of ["/images/..%2F..%2Fetc%2Fpasswd/json", "/images/a/../zz/json"]) {
      const response = await req(path);
      assert.ok(response.status === 400 || response.status === 404, `${path}: ${response.status}`);
    }
    const v2 = await req("/v2/..%2Fescape/manifests/latest");
    assert.equal(v2.status, 400);
  });

  it("limits JSON bodies to 1 MiB and rejects bad JSON", async () => {
    const big = JSON.stringify({ name: "x".repeat(2 * 1024 * 1024), newName: "y" });
    const response = await req("/stevedore/v1/images/tag", { method: "POST", body: big });
    assert.equal(response.status, 413);
    const bad = await req("/stevedore/v1/images/tag", { method: "POST", body: "{nope" });
    assert.equal(bad.status, 400);
  });

  it("limits header sizes", async () => {
    const response = await req("/_ping", { headers: { "X-Big": "x".repeat(70 * 1024) } });
    assert.equal(response.status, 431);
  });
});

describe("token authentication", () => {
  it("requires the token on every route, Bearer or Basic", async () => {
    const guarded = createServerApp(runtime, { token: TOKEN });
    try {
      for (const path of ["/_ping", "/images/json", "/v2/", "/stevedore/v1/disk-usage"]) {
        const denied = await guarded.app.request(path);
        assert.equal(denied.status, 401, path);
        assert.equal((await denied.json()).message, "authentication required");
      }
      const wrong = await guarded.app.request("/_ping", {
        headers: { Authorization: "Bearer nope" },
      });
      assert.equal(wrong.status, 401);
      const ok = await guarded.app.request("/images/json", {
        headers: { Authorization: `Bearer ${TOKEN}` },
      });
      assert.equal(ok.status, 200);
      const basic = await guarded.app.request("/v2/", {
        headers: { Authorization: `Basic ${btoa(`any:${TOKEN}`)}` },
      });
      assert.equal(basic.status, 200);
    } finally {
      guarded.close();
    }
  });

  it("compares tokens exactly", () => {
    assert.equal(authorized(`Bearer ${TOKEN}`, TOKEN), true);
    assert.equal(authorized(`Bearer ${TOKEN}x`, TOKEN), false);
    assert.equal(authorized(undefined, TOKEN), false);
    assert.equal(authorized("Basic !!!", TOKEN), false);
  });
});

describe("stevedore API", () => {
  it("serves images, inspect, history, tree and disk usage", async () => {
    const images = await (await req("/stevedore/v1/images?filter=reference=app*")).json();
    assert.equal(images.length, 1);
    const inspect = await (await req("/stevedore/v1/images/inspect?name=app:v1")).json();
    assert.equal(inspect.Id, image.config.digest.slice(7));
    const history = await (await req("/stevedore/v1/images/history?name=app:v1")).json();
    assert.equal(history.length, 2);
    const tree = await req("/stevedore/v1/images/tree?name=app:v1");
    assert.match(await tree.text(), /Image ID/);
    const usage = await (await req("/stevedore/v1/disk-usage")).json();
    assert.ok(usage.totalSize > 0);
  });

  it("creates and reads manifest lists", async () => {
    const created = await req("/stevedore/v1/manifests", {
      method: "POST",
      body: JSON.stringify({ name: "localhost/list:v1" }),
    });
    assert.equal(created.status, 201);
    const list = await (await req("/stevedore/v1/manifests?name=localhost/list:v1")).json();
    assert.deepEqual(list.manifest.manifests, []);
    assert.equal((await req("/stevedore/v1/manifests?name=app:v1")).status, 400);
  });

  it("refuses unpack without an unpack root and checks names", async () => {
    const response = await req("/stevedore/v1/images/unpack", {
      method: "POST",
      body: JSON.stringify({ name: "app:v1", dest: "x" }),
    });
    assert.equal(response.status, 403);
    const guarded = createServerApp(runtime, { unpackRoot: dir });
    try {
      const traversal = await guarded.app.request("/stevedore/v1/images/unpack", {
        method: "POST",
        body: JSON.stringify({ name: "app:v1", dest: "../x" }),
      });
      assert.equal(traversal.status, 400);
      const ok = await guarded.app.request("/stevedore/v1/images/unpack", {
        method: "POST",
        body: JSON.stringify({ name: "app:v1", dest: "rootfs" }),
      });
      assert.equal(ok.status, 201);
      assert.equal((await ok.json()).layers, 2);
    } finally {
      guarded.close();
    }
  });

  it("requires names", async () => {
    assert.equal((await req("/stevedore/v1/images/inspect")).status, 400);
    assert.equal((await req("/stevedore/v1/nothing")).status, 404);
  });
});
