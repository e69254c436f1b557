// Signatures move with an image copied between registries, unless removeSignatures says no.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { SignatureError } from "../../src/errors.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { copySignedImage, signatureLocations } from "../../src/trust/mod.ts";
import { startTrustEnv, type TrustEnv } from "./_trust_env.ts";

let env: TrustEnv;
before(async () => {
  env = await startTrustEnv();
});
after(async () => {
  await env?.stop();
});

function options(removeSignatures = false) {
  const fs = new NodeFileSystem();
  return {
    context: { fs, tlsVerify: false },
    signatureLocations: signatureLocations({
      fs,
      homeDir: join(env.dir, "home"),
      registriesDir: env.registriesD,
    }),
    removeSignatures,
  };
}

async function skopeoAccepts(name: string, signedRepository: string): Promise<void> {
  const policy = await env.policy(
    env.signedByPolicy(env.alice.publicKeyPath, {
      type: "exactRepository",
      dockerRepository: signedRepository,
    }),
  );
  await env.skopeoCopy(
    "--remove-signatures",
    "--policy",
    policy,
    `docker://${env.registry.registry}/${name}`,
    `dir:${join(env.dir, `check-${Math.random().toString(16).slice(2)}`)}`,
  );
}

describe("copying signatures between registries", () => {
  it("carries lookaside signatures to the destination repository", async () => {
    await env.push("origin/app", "v1");
    await env.skopeoSign("origin/app", "v1", env.alice);
    const result = await copySignedImage(
      `docker://${env.registry.registry}/origin/app:v1`,
      `docker://${env.registry.registry}/mirror/app:v1`,
      options(),
    );
    assert.deepEqual(await env.lookasideFiles("mirror/app"), [
      `app@sha256=${result.manifestDigest.slice(7)}/signature-1`,
    ]);
    await skopeoAccepts("mirror/app:v1", `${env.registry.registry}/origin/app`);
  });

  it("drops them with removeSignatures", async () => {
    await env.push("origin/bare", "v1");
    await env.skopeoSign("origin/bare", "v1", env.alice);
    await copySignedImage(
      `docker://${env.registry.registry}/origin/bare:v1`,
      `docker://${env.registry.registry}/mirror/bare:v1`,
      options(true),
    );
    assert.deepEqual(await env.lookasideFiles("mirror/bare"), []);
    await assert.rejects(
      skopeoAccepts("mirror/bare:v1", `${env.registry.registry}/origin/bare`),
      /A signature was required/,
    );
  });

  it("refuses to carry signatures a changed manifest would invalidate", async () => {
    await env.push("origin/changed", "v1");
    await env.skopeoSign("origin/changed", "v1", env.alice);
    await assert.rejects(
      copySignedImage(
        `docker://${env.registry.registry}/origin/changed:v1`,
        `docker://${env.registry.registry}/mirror/changed:v1`,
        { ...options(), manifestType: "application/vnd.docker.distribution.manifest.v2+json" },
      ),
      (error: unknown) => error instanceof SignatureError && /invalidate/.test(error.message),
    );
  });
});
