// signedBy policies against images skopeo signed (simple signing, GPG, file:// lookaside)
// in the real registry.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ImageRejectedError, KeyError, PolicyError } from "../../src/errors.ts";
import { run, startTrustEnv, type TrustEnv } from "./_trust_env.ts";

let env: TrustEnv;
before(async () => {
  env = await startTrustEnv();
});
after(async () => {
  await env?.stop();
});

function signedBy(keyPath: string, signedIdentity?: unknown) {
  return env.signedByPolicy(keyPath, signedIdentity);
}

async function pullWith(policy: unknown, name: string) {
  const runtime = await env.open({ signaturePolicyPath: await env.policy(policy) });
  return await runtime.pull(`${env.registry.registry}/${name}`, { tlsVerify: false });
}

async function rejected(policy: unknown, name: string): Promise<ImageRejectedError> {
  const runtime = await env.open({ signaturePolicyPath: await env.policy(policy) });
  let caught: unknown;
  try {
    await runtime.pull(`${env.registry.registry}/${name}`, { tlsVerify: false });
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ImageRejectedError, `expected a rejection, got ${caught}`);
  assert.match(caught.message, /^Source image rejected: /);
  assert.deepEqual(await runtime.listImages(), [], "nothing of a rejected image is stored");
  return caught;
}

describe("signedBy with skopeo-signed images", () => {
  it("accepts an image skopeo signed with the trusted key", async () => {
    const image = await env.push("team/signed", "v1");
    await env.skopeoSign("team/signed", "v1", env.alice);
    const [record] = await pullWith(signedBy(env.alice.publicKeyPath), "team/signed:v1");
    assert.equal(record.manifestDigest, image.manifest.digest);
  });

  it("rejects an unsigned image", async () => {
    await env.push("team/unsigned", "v1");
    const error = await rejected(signedBy(env.alice.publicKeyPath), "team/unsigned:v1");
    assert.equal(error.reason, "A signature was required, but no signature exists");
  });

  it("rejects an image signed by another key", async () => {
    await env.push("team/mallory", "v1");
    await env.skopeoSign("team/mallory", "v1", env.mallory);
    const error = await rejected(signedBy(env.alice.publicKeyPath), "team/mallory:v1");
    assert.match(error.reason, /Invalid GPG signature/);
  });

  it("rejects a re-tagged image under the default identity rule, accepts it by repository", async () => {
    await env.push("team/retag", "v1");
    await env.skopeoSign("team/retag", "v1", env.alice);
    await env.retag("team/retag", "v1", "v2");
    const error = await rejected(signedBy(env.alice.publicKeyPath), "team/retag:v2");
    assert.equal(
      error.reason,
      `Signature for identity "${env.registry.registry}/team/retag:v1" is not accepted`,
    );
    const [record] = await pullWith(
      signedBy(env.alice.publicKeyPath, { type: "matchRepository" }),
      "team/retag:v2",
    );
    assert.ok(record.names.includes(`${env.registry.registry}/team/retag:v2`));
  });

  it("rejects a tampered signature", async () => {
    await env.push("team/tampered", "v1");
    await env.skopeoSign("team/tampered", "v1", env.alice);
    const [file] = await env.lookasideFiles("team/tampered");
    const path = join(env.lookaside, "team", file);
    const bytes = new Uint8Array(await readFile(path));
    bytes[bytes.length - 5] ^= 0xff;
    await writeFile(path, bytes);
    const error = await rejected(signedBy(env.alice.publicKeyPath), "team/tampered:v1");
    assert.match(error.reason, /Invalid GPG signature/);
  });

  it("rejects a valid signature over another manifest digest", async () => {
    await env.push("team/digest", "v1");
    const other = await env.push("team/other", "v1");
    const manifest = join(env.dir, "other-manifest.json");
    await writeFile(manifest, other.manifest.bytes);
    const image = await env.client.getManifest("team/digest", "v1");
    const signature = join(
      env.lookaside,
      "team",
      `digest@sha256=${image.digest.slice(7)}`,
      "signature-1",
    );
    await run("mkdir", ["-p", join(signature, "..")]);
    await run("skopeo", [
      "standalone-sign",
      "--output",
      signature,
      manifest,
      `${env.registry.registry}/team/digest:v1`,
      env.alice.fingerprint,
    ], { env: { GNUPGHOME: env.gnupgHome } });
    const error = await rejected(signedBy(env.alice.publicKeyPath), "team/digest:v1");
    assert.equal(
      error.reason,
      `Signature for docker digest "${other.manifest.digest}" does not match`,
    );
  });

  it("rejects a signed payload that is not JSON, naming the problem", async () => {
    const image = await env.push("team/notjson", "v1");
    const dir = join(env.lookaside, "team", `notjson@sha256=${image.manifest.digest.slice(7)}`);
    await run("mkdir", ["-p", dir]);
    await run("gpg", [
      "--batch",
      "--local-user",
      env.alice.fingerprint,
      "--output",
      join(dir, "signature-1"),
      "--sign",
    ], { env: { GNUPGHOME: env.gnupgHome }, input: new TextEncoder().encode("not json {") });
    const error = await rejected(signedBy(env.alice.publicKeyPath), "team/notjson:v1");
    assert.match(error.reason, /the signature payload is not valid JSON/);
  });

  it("rejects everything under a reject policy, in containers/image's words", async () => {
    await env.push("team/rejected", "v1");
    const error = await rejected({ default: [{ type: "reject" }] }, "team/rejected:v1");
    assert.equal(
      error.reason,
      `Running image docker://${env.registry.registry}/team/rejected:v1 is rejected by policy.`,
    );
  });

  it("fails with a typed error for a key file in the wrong format", async () => {
    await env.push("team/badkey", "v1");
    await env.skopeoSign("team/badkey", "v1", env.alice);
    const keyPath = join(env.dir, "not-a-key.gpg");
    await writeFile(keyPath, "this is not an OpenPGP key");
    const runtime = await env.open({ signaturePolicyPath: await env.policy(signedBy(keyPath)) });
    await assert.rejects(
      runtime.pull(`${env.registry.registry}/team/badkey:v1`, { tlsVerify: false }),
      (error: unknown) => error instanceof KeyError && error.key === keyPath,
    );
    assert.deepEqual(await runtime.listImages(), []);
  });

  it("a long-lived runtime follows edits of its policy file", async () => {
    await env.push("team/edited", "v1");
    const path = await env.policy({ default: [{ type: "insecureAcceptAnything" }] });
    const runtime = await env.open({ signaturePolicyPath: path });
    const name = `${env.registry.registry}/team/edited:v1`;
    await runtime.pull(name, { tlsVerify: false });
    await writeFile(path, JSON.stringify({ default: [{ type: "reject" }] }, null, 2));
    await assert.rejects(
      runtime.pull(name, { tlsVerify: false, policy: "always" }),
      (error: unknown) =>
        error instanceof ImageRejectedError && /rejected by policy/.test(error.reason),
    );
  });

  it("fails with a typed error naming a malformed policy file", async () => {
    const path = await env.policy('{"default": [{"type": "insecureAcceptAnything"}], "bogus": 1}');
    const runtime = await env.open({ signaturePolicyPath: path });
    await assert.rejects(
      runtime.pull(`${env.registry.registry}/team/signed:v1`, { tlsVerify: false }),
      (error: unknown) =>
        error instanceof PolicyError && error.file === path &&
        /\.bogus: unknown field/.test(error.message),
    );
  });
});
