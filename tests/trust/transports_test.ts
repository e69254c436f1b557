// The policy governs every copy's source, not only registry pulls: oci: paths, archives
// loaded, pushes from the local store, and Docker API pulls through the server.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ImageRejectedError } from "../../src/errors.ts";
import { startServer } from "../../src/server/mod.ts";
import { startTrustEnv, type TrustEnv } from "./_trust_env.ts";

let env: TrustEnv;
before(async () => {
  env = await startTrustEnv();
});
after(async () => {
  await env?.stop();
});

async function rejects(promise: Promise<unknown>, reason: RegExp) {
  await assert.rejects(
    promise,
    (error: unknown) => error instanceof ImageRejectedError && reason.test(error.reason),
  );
}

describe("policy scopes of other transports", () => {
  it("oci: path scopes pick the requirements of a layout", async () => {
    await env.push("paths/app", "v1");
    const source = await env.open();
    await source.pull(`${env.registry.registry}/paths/app:v1`, { tlsVerify: false });
    const allowed = join(env.dir, "layouts", "allowed");
    const denied = join(env.dir, "layouts", "denied");
    await source.save([`${env.registry.registry}/paths/app:v1`], {
      format: "oci-dir",
      output: allowed,
    });
    await source.save([`${env.registry.registry}/paths/app:v1`], {
      format: "oci-dir",
      output: denied,
    });
    const policy = await env.policy({
      default: [{ type: "reject" }],
      transports: { oci: { [allowed]: [{ type: "insecureAcceptAnything" }] } },
    });
    const runtime = await env.open({ signaturePolicyPath: policy });
    const [record] = await runtime.pull(`oci:${allowed}`);
    assert.ok(record.id);
    const other = await env.open({ signaturePolicyPath: policy });
    await rejects(
      other.pull(`oci:${denied}`),
      /^Running image oci:.*denied.* is rejected by policy\.$/,
    );
    assert.deepEqual(await other.listImages(), []);
  });

  it("load checks the archive under the transport's default scope", async () => {
    await env.push("paths/archive", "v1");
    const source = await env.open();
    await source.pull(`${env.registry.registry}/paths/archive:v1`, { tlsVerify: false });
    const archive = join(env.dir, "archive.tar");
    await source.save([`${env.registry.registry}/paths/archive:v1`], {
      format: "docker-archive",
      output: archive,
    });
    const reject = await env.policy({
      default: [{ type: "insecureAcceptAnything" }],
      transports: { "docker-archive": { "": [{ type: "reject" }] } },
    });
    const runtime = await env.open({ signaturePolicyPath: reject });
    await rejects(
      runtime.load(archive),
      /^Running image docker-archive:.* is rejected by policy\.$/,
    );
    assert.deepEqual(await runtime.listImages(), []);
    const accept = await env.policy({
      default: [{ type: "reject" }],
      transports: { "docker-archive": { "": [{ type: "insecureAcceptAnything" }] } },
    });
    const loaded = await (await env.open({ signaturePolicyPath: accept })).load(archive);
    assert.deepEqual(loaded, [`${env.registry.registry}/paths/archive:v1`]);
  });

  it("push checks the local image under containers-storage", async () => {
    await env.push("paths/push", "v1");
    const name = `${env.registry.registry}/paths/push:v1`;
    const policy = await env.policy({
      default: [{ type: "insecureAcceptAnything" }],
      transports: { "containers-storage": { "": [{ type: "reject" }] } },
    });
    const runtime = await env.open({ signaturePolicyPath: policy });
    await runtime.pull(name, { tlsVerify: false });
    await rejects(
      runtime.push(name, `${env.registry.registry}/paths/pushed:v1`, { tlsVerify: false }),
      /^Running image containers-storage:.* is rejected by policy\.$/,
    );
    const head = await fetch(`${env.registry.url}/v2/paths/pushed/manifests/v1`, {
      method: "HEAD",
    });
    assert.equal(head.status, 404);
  });

  it("Docker API pulls through the server obey the policy", async () => {
    await env.push("paths/served", "signed");
    await env.skopeoSign("paths/served", "signed", env.alice);
    await env.push("paths/served", "unsigned");
    const policy = await env.policy(env.signedByPolicy(env.alice.publicKeyPath));
    await writeFile(
      join(env.dir, "registries.conf"),
      `[[registry]]\nlocation = "${env.registry.registry}"\ninsecure = true\n`,
    );
    const server = await startServer({
      listen: "127.0.0.1:0",
      runtimeOptions: {
        root: join(env.dir, "server-store"),
        homeDir: join(env.dir, "home"),
        uid: 1000,
        env: {},
        registriesConf: join(env.dir, "registries.conf"),
        signaturePolicyPath: policy,
        registriesDirPath: env.registriesD,
        warn: () => {},
      },
    });
    try {
      const pull = async (tag: string) => {
        const response = await fetch(
          `${server.url}/images/create?fromImage=${env.registry.registry}/paths/served&tag=${tag}`,
          { method: "POST" },
        );
        return await response.text();
      };
      assert.doesNotMatch(await pull("signed"), /"error"/);
      assert.match(
        await pull("unsigned"),
        /Source image rejected: A signature was required, but no signature exists/,
      );
    } finally {
      await server.close();
    }
  });
});
