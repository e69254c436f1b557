// Images stevedore signs on push (simple signing) are accepted by `skopeo copy --policy`
// with a signedBy policy for the signing key, and rejected for another key.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { SigningError } from "../../src/errors.ts";
import { gpgSigner } from "../../src/signature/gpg_signer.ts";
import { openpgpSigner, readPrivateKey } from "../../src/signature/mod.ts";
import { runCli } from "../cli/_cli.ts";
import { randomMultiArch } from "../helpers/random_image.ts";
import { readBytes, run, startTrustEnv, type TestKey, type TrustEnv } from "./_trust_env.ts";

let env: TrustEnv;
before(async () => {
  env = await startTrustEnv();
});
after(async () => {
  await env?.stop();
});

async function skopeoVerify(name: string, key: TestKey): Promise<string> {
  const policy = await env.policy(env.signedByPolicy(key.publicKeyPath));
  const target = join(env.dir, `verified-${Math.random().toString(16).slice(2)}`);
  return await env.skopeoCopy(
    "--policy",
    policy,
    `docker://${env.registry.registry}/${name}`,
    `dir:${target}`,
  );
}

/** A runtime holding an unsigned image named `local/<name>`. */
async function runtimeWithImage(name: string) {
  await env.push(`source/${name}`, "v1");
  const runtime = await env.open();
  await runtime.pull(`${env.registry.registry}/source/${name}:v1`, { tlsVerify: false });
  await runtime.tag(`${env.registry.registry}/source/${name}:v1`, `localhost/${name}:v1`);
  return runtime;
}

describe("signing on push, verified by skopeo", () => {
  it("signs with the gpg binary; skopeo accepts it with the key and rejects another key", async () => {
    const runtime = await runtimeWithImage("gpg");
    const destination = `${env.registry.registry}/signed/gpg:v1`;
    const digest = await runtime.push("localhost/gpg:v1", destination, {
      tlsVerify: false,
      signers: [gpgSigner(env.alice.fingerprint, { env: { GNUPGHOME: env.gnupgHome } })],
    });
    assert.deepEqual(await env.lookasideFiles("signed/gpg"), [
      `gpg@sha256=${digest.slice(7)}/signature-1`,
    ]);
    await skopeoVerify("signed/gpg:v1", env.alice);
    await assert.rejects(skopeoVerify("signed/gpg:v1", env.mallory), /rejected/);
  });

  it("signs in TypeScript with an exported private key; skopeo accepts it", async () => {
    const runtime = await runtimeWithImage("ts");
    const armored = await run("gpg", [
      "--batch",
      "--armor",
      "--export-secret-keys",
      env.mallory.fingerprint,
    ], { env: { GNUPGHOME: env.gnupgHome } });
    const key = await readPrivateKey(new TextEncoder().encode(armored), "mallory.asc");
    await runtime.push("localhost/ts:v1", `${env.registry.registry}/signed/ts:v1`, {
      tlsVerify: false,
      signers: [openpgpSigner(key)],
    });
    await skopeoVerify("signed/ts:v1", env.mallory);
    await assert.rejects(skopeoVerify("signed/ts:v1", env.alice), /rejected/);
  });

  it("adds a second signature after the first one", async () => {
    const runtime = await runtimeWithImage("twice");
    const destination = `${env.registry.registry}/signed/twice:v1`;
    const signer = gpgSigner(env.alice.fingerprint, { env: { GNUPGHOME: env.gnupgHome } });
    await runtime.push("localhost/twice:v1", destination, { tlsVerify: false, signers: [signer] });
    const digest = await runtime.push("localhost/twice:v1", destination, {
      tlsVerify: false,
      signers: [signer],
    });
    assert.deepEqual(await env.lookasideFiles("signed/twice"), [
      `twice@sha256=${digest.slice(7)}/signature-1`,
      `twice@sha256=${digest.slice(7)}/signature-2`,
    ]);
    await skopeoVerify("signed/twice:v1", env.alice);
  });

  it("refuses to sign a destination that is not a registry before writing anything", async () => {
    const runtime = await runtimeWithImage("dir");
    const target = join(env.dir, "dir-dest");
    await assert.rejects(
      runtime.push("localhost/dir:v1", `dir:${target}`, {
        signers: [gpgSigner(env.alice.fingerprint, { env: { GNUPGHOME: env.gnupgHome } })],
      }),
      SigningError,
    );
    await assert.rejects(stat(target), { code: "ENOENT" });
  });

  it("signs a manifest list and each instance; skopeo verifies them all", async () => {
    const index = randomMultiArch({ layers: 1, layerSize: 256 });
    for (const [digest, bytes] of index.blobs) {
      await env.client.putBlob("source/multi", digest, bytes.length, bytes);
    }
    for (const image of index.images) {
      const { bytes, mediaType, digest } = image.manifest;
      await env.client.putManifest("source/multi", digest, bytes, mediaType);
    }
    await env.client.putManifest(
      "source/multi",
      "v1",
      index.manifest.bytes,
      index.manifest.mediaType,
    );
    const runtime = await env.open();
    const list = await runtime.createManifestList("localhost/multi:v1");
    await list.add(`docker://${env.registry.registry}/source/multi:v1`, {
      all: true,
      tlsVerify: false,
    });
    const digest = await list.push(`docker://${env.registry.registry}/signed/multi:v1`, {
      selection: "all",
      tlsVerify: false,
      signers: [gpgSigner(env.alice.fingerprint, { env: { GNUPGHOME: env.gnupgHome } })],
    });
    const files = await env.lookasideFiles("signed/multi");
    assert.equal(files.length, 4, files.join(", "));
    assert.ok(files.includes(`multi@sha256=${digest.slice(7)}/signature-1`));
    const policy = await env.policy(env.signedByPolicy(env.alice.publicKeyPath));
    await env.skopeoCopy(
      "--multi-arch",
      "all",
      "--remove-signatures",
      "--policy",
      policy,
      `docker://${env.registry.registry}/signed/multi:v1`,
      `oci:${join(env.dir, "multi-layout")}:v1`,
    );
  });

  it("stevedore push --sign-by signs through the command line", async () => {
    await env.push("source/cli", "v1");
    const root = join(env.dir, "cli-store");
    const common = ["--root", root];
    const cliEnv = { GNUPGHOME: env.gnupgHome, HOME: join(env.dir, "home") };
    const pulled = runCli([
      ...common,
      "pull",
      "--tls-verify=false",
      `${env.registry.registry}/source/cli:v1`,
    ], cliEnv);
    assert.equal(pulled.code, 0, pulled.stderr);
    const pushed = runCli([
      ...common,
      "push",
      "--tls-verify=false",
      "--registries.d",
      env.registriesD,
      "--sign-by",
      env.alice.fingerprint,
      `${env.registry.registry}/source/cli:v1`,
      `${env.registry.registry}/signed/cli:v1`,
    ], cliEnv);
    assert.equal(pushed.code, 0, pushed.stderr);
    await skopeoVerify("signed/cli:v1", env.alice);
    const signature = await readBytes(
      join(env.lookaside, "signed", (await env.lookasideFiles("signed/cli"))[0]),
    );
    assert.ok(signature.length > 0);
  });
});
