import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ImageNotFoundError, PullError } from "../../src/errors.ts";
import { type PullEnv, startPullEnv } from "./_pull_env.ts";
import { runtimeParts } from "../../src/runtime/mod.ts";

let env: PullEnv;
before(async () => {
  env = await startPullEnv();
});
after(async () => {
  await env?.stop();
});

describe("pull from a registry", () => {
  it("a short name walks the unqualified-search registries and prints once", async () => {
    const runtime = await env.open();
    const lines: string[] = [];
    const [image] = await runtime.pull("single:v1", { writer: (l) => lines.push(l) });
    assert.equal(image.id, env.single.config.digest.slice(7));
    assert.deepEqual(image.names, [`${env.registry.registry}/single:v1`]);
    assert.equal(lines.length, 2);
    assert.match(lines[0], /^Resolving "single" using unqualified-search registries/);
    assert.equal(lines[1], `Trying to pull ${env.registry.registry}/single:v1...`);
  });

  it("missing with a local image does not contact the registry", async () => {
    const runtime = await env.open();
    await runtime.pull("single:v1");
    const before = env.requests.length;
    const lines: string[] = [];
    const [again] = await runtime.pull("single:v1", { writer: (l) => lines.push(l) });
    assert.equal(env.requests.length, before);
    assert.equal(lines.length, 0);
    assert.equal(again.id, env.single.config.digest.slice(7));
  });

  it("newer with an up-to-date local image skips the copy", async () => {
    const runtime = await env.open();
    await runtime.pull("single:v1");
    const lines: string[] = [];
    await runtime.pull("single:v1", { policy: "newer", writer: (l) => lines.push(l) });
    assert.deepEqual(lines, []);
  });

  it("always pulls again even with a local image", async () => {
    const runtime = await env.open();
    await runtime.pull("single:v1");
    const lines: string[] = [];
    await runtime.pull("single:v1", { policy: "always", writer: (l) => lines.push(l) });
    assert.equal(lines.at(-1), `Trying to pull ${env.registry.registry}/single:v1...`);
  });

  it('never without a local image is "image not known"', async () => {
    const runtime = await env.open();
    const before = env.requests.length;
    await assert.rejects(
      runtime.pull("single:v1", { policy: "never" }),
      (e: Error) => e instanceof ImageNotFoundError && e.message === "single:v1: image not known",
    );
    assert.equal(env.requests.length, before);
  });

  it("newer with a local image makes registry errors non-fatal", async () => {
    const runtime = await env.open();
    const [local] = await runtime.pull("single:v1");
    const offline = await env.open({
      store: runtimeParts(runtime).store,
      fetch: () => Promise.reject(new TypeError("network is down")),
    });
    const [image] = await offline.pull("single:v1", { policy: "newer", retries: 0 });
    assert.equal(image.id, local.id);
    await assert.rejects(offline.pull("single:v1", { policy: "always", retries: 0 }));
  });

  it("custom platform turns missing into newer", async () => {
    const runtime = await env.open();
    await runtime.pull("multi");
    // The host's own architecture given explicitly is still a custom platform.
    let before = env.requests.length;
    const lines: string[] = [];
    await runtime.pull("multi", { architecture: "amd64", writer: (l) => lines.push(l) });
    assert.ok(env.requests.length > before, "the registry was asked for the digest");
    assert.deepEqual(lines, [], "same digest: nothing copied");
    before = env.requests.length;
    const [arm] = await runtime.pull("multi", { architecture: "arm64" });
    assert.ok(env.requests.length > before, "the registry was asked");
    assert.equal(arm.id, env.multi.images[1].config.digest.slice(7));
    assert.equal(arm.platform?.architecture, "arm64");
  });

  it("a local image found without custom platform is pulled under its resolved name", async () => {
    const runtime = await env.open();
    await runtime.pull("single:v1");
    const lines: string[] = [];
    await runtime.pull("single:v1", { policy: "always", writer: (l) => lines.push(l) });
    // No "Resolving ..." description: the resolved name is fully qualified.
    assert.deepEqual(lines, [`Trying to pull ${env.registry.registry}/single:v1...`]);
  });

  it("pulls the instance of a multi-arch index for the host platform", async () => {
    const runtime = await env.open();
    const [image] = await runtime.pull("multi:latest");
    assert.equal(image.id, env.multi.images[0].config.digest.slice(7));
    const [v7] = await runtime.pull("multi:latest", { platform: "linux/arm/v7" });
    assert.equal(v7.id, env.multi.images[2].config.digest.slice(7));
  });

  it("a platform mismatch after the pull is only a warning", async () => {
    const runtime = await env.open();
    const lines: string[] = [];
    const [image] = await runtime.pull("lying", {
      architecture: "arm64",
      writer: (l) => lines.push(l),
    });
    assert.equal(image.platform?.architecture, "amd64");
    assert.equal(
      lines.at(-1),
      "WARNING: image platform (linux/amd64) does not match the expected platform (linux/arm64)",
    );
  });

  it("pull-never with --arch may choose a local image of another architecture", async () => {
    const runtime = await env.open();
    const [v7] = await runtime.pull("multi", { platform: "linux/arm/v7" });
    // containerd semantics: arm64 machines run arm/v7 images.
    const [chosen] = await runtime.pull("multi", { policy: "never", architecture: "arm64" });
    assert.equal(chosen.id, v7.id);
    const fresh = await env.open();
    await fresh.pull("single:v1");
    await assert.rejects(
      fresh.pull("single:v1", { policy: "never", architecture: "s390x" }),
      ImageNotFoundError,
    );
  });

  it("corrupted local image is re-pulled", async () => {
    const runtime = await env.open();
    const [image] = await runtime.pull("single:v1");
    const { unlink } = await import("node:fs/promises");
    await unlink(`${runtimeParts(runtime).store.root}/blobs/sha256/${image.layers[0].slice(7)}`);
    assert.equal(await runtime.exists("single:v1"), false);
    const lines: string[] = [];
    await runtime.pull("single:v1", { writer: (l) => lines.push(l) });
    assert.equal(lines.at(-1), `Trying to pull ${env.registry.registry}/single:v1...`);
    assert.equal(await runtime.exists("single:v1"), true);
  });

  it("tag@digest keeps the digest", async () => {
    const runtime = await env.open();
    const digest = env.single.manifest.digest;
    const [image] = await runtime.pull(`${env.registry.registry}/single:nope@${digest}`);
    assert.deepEqual(image.names, [`${env.registry.registry}/single@${digest}`]);
  });

  it("64-hex names are local-only", async () => {
    const runtime = await env.open();
    const before = env.requests.length;
    const hex = env.single.config.digest.slice(7);
    await assert.rejects(runtime.pull(hex), ImageNotFoundError);
    await assert.rejects(runtime.pull(`sha256:${hex}`), ImageNotFoundError);
    assert.equal(env.requests.length, before);
    await runtime.pull("single:v1");
    assert.equal((await runtime.pull(hex))[0].id, hex);
    await assert.rejects(
      runtime.pull(hex, { policy: "always" }),
      /pull policy is always but image has been referred to by ID/,
    );
    await assert.rejects(
      runtime.pull(hex.slice(0, 12), { policy: "always" }),
      /pull policy is always but image has been referred to by ID/,
    );
  });

  it("docker:latest is an image name", async () => {
    const runtime = await env.open();
    const [image] = await runtime.pull("docker:latest");
    assert.deepEqual(image.names, [`${env.registry.registry}/docker:latest`]);
  });

  it("docker:// names are not subject to short-name resolution", async () => {
    const runtime = await env.open();
    const [image] = await runtime.pull(`docker://${env.registry.registry}/single:v2`);
    assert.deepEqual(image.names, [`${env.registry.registry}/single:v2`]);
  });

  it("allTags pulls every tag of the repository", async () => {
    const runtime = await env.open();
    const images = await runtime.pull(`${env.registry.registry}/single`, { allTags: true });
    assert.equal(images.length, 2);
    const names = (await runtimeParts(runtime).store.images()).flatMap((r) => r.names).sort();
    assert.deepEqual(names, [
      `${env.registry.registry}/single:v1`,
      `${env.registry.registry}/single:v2`,
    ]);
  });

  it("errors of several candidates are aggregated", async () => {
    const { writeFile } = await import("node:fs/promises");
    const port = env.registry.registry.split(":")[1];
    const conf = `${env.dir}/two.conf`;
    await writeFile(
      conf,
      [
        `unqualified-search-registries = ["127.0.0.1:${port}", "localhost:${port}"]`,
        "[[registry]]",
        `location = "127.0.0.1:${port}"`,
        "insecure = true",
        "[[registry]]",
        `location = "localhost:${port}"`,
        "insecure = true",
      ].join("\n"),
    );
    const runtime = await env.open({ registriesConf: conf, registriesConfDir: "" });
    const lines: string[] = [];
    await assert.rejects(
      runtime.pull("absent", { writer: (l) => lines.push(l) }),
      (e: Error) =>
        e instanceof PullError && e.errors.length === 2 &&
        /2 errors occurred while pulling:\n \* .*\n \* /.test(e.message),
    );
    assert.equal(lines.filter((l) => l.startsWith("Trying to pull")).length, 2);
    // A single candidate's error is thrown as is.
    await assert.rejects(
      runtime.pull(`docker://${env.registry.registry}/absent`),
      (e: Error) => !(e instanceof PullError),
    );
  });

  it("only one credential source is allowed", async () => {
    const runtime = await env.open();
    await assert.rejects(
      runtime.pull("single:v1", { credentials: "a:b", identityToken: "t" }),
      /cannot use the multiple credential sources/,
    );
  });

  it("options objects are never mutated", async () => {
    const runtime = await env.open();
    const options = { architecture: "aarch64", policy: "missing" as const };
    const copy = JSON.stringify(options);
    await runtime.pull("multi", options);
    assert.equal(JSON.stringify(options), copy);
  });
});
