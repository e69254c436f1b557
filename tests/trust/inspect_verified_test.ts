// What the signature policy verified when an image was copied into the store is kept in
// its record and shown by `inspect` (Runtime and CLI): requirement, key, claimed identity,
// where the signature was read, the source, the scope and the time.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import { recordProblem } from "../../src/store/_records.ts";
import { containersStorageTransport } from "../../src/transports/containers_storage/mod.ts";
import { parsePolicy, TrustPolicy } from "../../src/trust/mod.ts";
import { randomMultiArch } from "../helpers/random_image.ts";
import { runCli } from "../cli/_cli.ts";
import { pushSigstoreSigned, sigstoreKey, startTrustEnv, type TrustEnv } from "./_trust_env.ts";
import { runtimeParts } from "../../src/runtime/mod.ts";

let env: TrustEnv;
before(async () => {
  env = await startTrustEnv();
});
after(async () => {
  await env?.stop();
});

const clock = () => new Date("2026-01-02T03:04:05Z");

describe("inspect shows what was verified", () => {
  it("a simple signature by skopeo: key, identity, lookaside file; kept in the store", async () => {
    const reg = env.registry.registry;
    const image = await env.push("inspect/simple", "v1");
    await env.skopeoSign("inspect/simple", "v1", env.alice);
    const policy = await env.policy(env.signedByPolicy(env.alice.publicKeyPath));
    const root = join(env.dir, "inspect-simple-store");
    const runtime = await env.open({ root, signaturePolicyPath: policy, now: clock });
    await runtime.pull(`${reg}/inspect/simple:v1`, { tlsVerify: false });
    const expected = [{
      Requirement: "signedBy",
      KeyFingerprint: env.alice.fingerprint,
      KeyIdentity: "alice <alice@example.com>",
      SignedIdentity: `${reg}/inspect/simple:v1`,
      Location: `file://${env.lookaside}/inspect/simple@sha256=${
        image.manifest.digest.slice(7)
      }/signature-1`,
      Source: `docker://${reg}/inspect/simple:v1`,
      ManifestDigest: image.manifest.digest,
      PolicyScope: reg,
      VerifiedAt: "2026-01-02T03:04:05.000Z",
    }];
    assert.deepEqual((await runtime.inspect(`${reg}/inspect/simple:v1`)).Signatures, expected);
    // Another process (a runtime over the same store) reads it from the record.
    const again = await env.open({ root });
    assert.deepEqual((await again.inspect(`${reg}/inspect/simple:v1`)).Signatures, expected);
  });

  it("a sigstore signature: the key's SPKI digest and the attachment", async () => {
    const reg = env.registry.registry;
    const signed = await pushSigstoreSigned(env, "inspect/sig", "v1");
    const policy = await env.policy({
      default: [{ type: "reject" }],
      transports: {
        docker: { [`${reg}/inspect`]: [{ type: "sigstoreSigned", keyPath: signed.keyPath }] },
      },
    });
    const runtime = await env.open({ signaturePolicyPath: policy, now: clock });
    await runtime.pull(`${reg}/inspect/sig:v1`, { tlsVerify: false });
    const digest = signed.image.manifest.digest;
    assert.deepEqual((await runtime.inspect(`${reg}/inspect/sig:v1`)).Signatures, [{
      Requirement: "sigstoreSigned",
      KeyFingerprint: `sha256:${createHash("sha256").update(signed.publicKeyDer).digest("hex")}`,
      SignedIdentity: `${reg}/inspect/sig:v1`,
      Location: `${reg}/inspect/sig:${digest.replace(":", "-")}.sig (layer 1)`,
      Source: `docker://${reg}/inspect/sig:v1`,
      ManifestDigest: digest,
      PolicyScope: `${reg}/inspect`,
      VerifiedAt: "2026-01-02T03:04:05.000Z",
    }]);
  });

  it("lists: a pulled instance records its own check; a list copied whole, each", async () => {
    const reg = env.registry.registry;
    const index = randomMultiArch({ layers: 1, layerSize: 256 });
    for (const [digest, bytes] of index.blobs) {
      await env.client.putBlob("inspect/multi", digest, bytes.length, bytes);
    }
    const key = await sigstoreKey(env, "inspect-multi");
    const identity = `${reg}/inspect/multi:v1`;
    for (const image of index.images) {
      const { bytes, mediaType, digest } = image.manifest;
      await env.client.putManifest("inspect/multi", digest, bytes, mediaType);
      await key.attach("inspect/multi", digest, identity);
    }
    const { bytes, mediaType, digest: listDigest } = index.manifest;
    await env.client.putManifest("inspect/multi", "v1", bytes, mediaType);
    await key.attach("inspect/multi", listDigest, identity);
    const policyText = JSON.stringify({
      default: [{ type: "reject" }],
      transports: { docker: { [reg]: [{ type: "sigstoreSigned", keyPath: key.keyPath }] } },
    });

    const runtime = await env.open({
      signaturePolicyPath: await env.policy(policyText),
      now: clock,
      platform: { os: "linux", architecture: "arm64" },
    });
    const [pulled] = await runtime.pull(identity, { tlsVerify: false });
    assert.equal(pulled.manifestDigest, index.images[1].manifest.digest);
    const [row] = (await runtime.inspect(identity)).Signatures!;
    assert.equal(row.ManifestDigest, pulled.manifestDigest);
    assert.equal(
      row.Location,
      `${reg}/inspect/multi:${pulled.manifestDigest.replace(":", "-")}.sig (layer 1)`,
    );

    const store = runtimeParts(await env.open()).store;
    const trust = new TrustPolicy(parsePolicy(policyText, "policy.json"), {
      fs: runtimeParts(runtime).fs,
      homeDir: join(env.dir, "home"),
      registriesDir: env.registriesD,
      now: clock,
    });
    await copyBetween(`docker://${identity}`, containersStorageTransport(store).parse(identity), {
      all: true,
      sourcePolicy: trust,
      context: { fs: runtimeParts(runtime).fs, tlsVerify: false },
    });
    const records = await store.images();
    assert.equal(records.length, 4);
    for (const record of records) {
      const [verification] = record.verifications!;
      assert.equal(verification.manifestDigest, record.manifestDigest);
      assert.equal(verification.source, `docker://${identity}`);
      assert.equal(verification.signatures[0].keyFingerprint, row.KeyFingerprint);
      assert.equal(
        verification.signatures[0].location,
        `${reg}/inspect/multi:${record.manifestDigest.replace(":", "-")}.sig (layer 1)`,
      );
    }
    assert.ok(records.some((r) => r.isManifestList && r.manifestDigest === listDigest));
  });

  it("no field when nothing was verified", async () => {
    const reg = env.registry.registry;
    await env.push("inspect/plain", "v1");
    const runtime = await env.open({
      signaturePolicyPath: await env.policy({ default: [{ type: "insecureAcceptAnything" }] }),
    });
    await runtime.pull(`${reg}/inspect/plain:v1`, { tlsVerify: false });
    const data = await runtime.inspect(`${reg}/inspect/plain:v1`);
    assert.equal("Signatures" in data, false);
  });

  it("stevedore inspect prints them after stevedore pull", async () => {
    const reg = env.registry.registry;
    await env.push("inspect/cli", "v1");
    await env.skopeoSign("inspect/cli", "v1", env.alice);
    const policy = await env.policy(env.signedByPolicy(env.alice.publicKeyPath));
    const cli = (...args: string[]) =>
      runCli(["--root", join(env.dir, "inspect-cli-root"), ...args], {
        HOME: join(env.dir, "home"),
      });
    const pulled = cli(
      "pull",
      "--signature-policy",
      policy,
      "--registries.d",
      env.registriesD,
      "--tls-verify=false",
      `${reg}/inspect/cli:v1`,
    );
    assert.equal(pulled.code, 0, pulled.stderr);
    const inspected = cli("inspect", `${reg}/inspect/cli:v1`);
    assert.equal(inspected.code, 0, inspected.stderr);
    const [data] = JSON.parse(inspected.stdout);
    assert.equal(data.Signatures.length, 1);
    assert.equal(data.Signatures[0].KeyFingerprint, env.alice.fingerprint);
    assert.equal(data.Signatures[0].SignedIdentity, `${reg}/inspect/cli:v1`);
  });

  it("store records: verifications are optional and validated", () => {
    const record = {
      id: "a".repeat(64),
      names: [],
      namesHistory: [],
      digests: [`sha256:${"b".repeat(64)}`],
      manifestDigest: `sha256:${"b".repeat(64)}`,
      manifestMediaType: "application/vnd.oci.image.manifest.v1+json",
      isManifestList: false,
      diffIds: [],
      layers: [],
      size: 1,
      created: "",
      added: "",
      readOnly: false,
    };
    assert.equal(recordProblem(record), undefined);
    const verification = {
      source: "docker://x/y:1",
      manifestDigest: record.manifestDigest,
      scope: "x",
      verifiedAt: "2026-01-02T03:04:05.000Z",
      signatures: [{
        requirement: "signedBy",
        keyFingerprint: "AB",
        signedIdentity: "x/y:1",
        location: "file:///s",
      }],
    };
    assert.equal(recordProblem({ ...record, verifications: [verification] }), undefined);
    assert.equal(
      recordProblem({ ...record, verifications: [{ ...verification, signatures: [{}] }] }),
      "verifications are invalid",
    );
    assert.equal(recordProblem({ ...record, verifications: {} }), "verifications are invalid");
  });
});
