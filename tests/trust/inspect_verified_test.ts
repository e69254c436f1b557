// What the signature policy verified when an image was copied into the store is kept in
// its record and shown by `inspect` (Runtime and CLI): requirement, key, claimed identity,
// where the signature was read, the source, the scope and the time.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { recordProblem } from "../../src/store/_records.ts";
import { runCli } from "../cli/_cli.ts";
import { pushSigstoreSigned, startTrustEnv, type TrustEnv } from "./_trust_env.ts";

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
