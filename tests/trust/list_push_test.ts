// Pushing a manifest list whose instances `manifest add` only recorded: each remote
// instance is checked under its own registry scope (and with its own signatures), not
// under containers-storage, where the list itself lives.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ImageRejectedError } from "../../src/errors.ts";
import { startTrustEnv, type TrustEnv } from "./_trust_env.ts";

let env: TrustEnv;
before(async () => {
  env = await startTrustEnv();
});
after(async () => {
  await env?.stop();
});

/** Accepts anything but the `list-src` namespace, which needs alice's signature. */
function policy() {
  return env.policy({
    default: [{ type: "insecureAcceptAnything" }],
    transports: {
      docker: {
        [`${env.registry.registry}/list-src`]: [{
          type: "signedBy",
          keyType: "GPGKeys",
          keyPath: env.alice.publicKeyPath,
        }],
      },
    },
  });
}

describe("manifest push of recorded remote instances", () => {
  it("checks each remote instance under its own scope", async () => {
    const reg = env.registry.registry;
    await env.push("list-src/signed", "v1");
    await env.skopeoSign("list-src/signed", "v1", env.alice);
    await env.push("list-src/unsigned", "v1");
    const runtime = await env.open({ signaturePolicyPath: await policy() });

    const good = await runtime.createManifestList("localhost/good:v1");
    await good.add(`${reg}/list-src/signed:v1`, { tlsVerify: false });
    assert.ok((await good.record()).instanceSources, "the instance is only recorded");
    const pushed = await good.push(`${reg}/list-dst/good:v1`, {
      selection: "all",
      tlsVerify: false,
    });
    assert.match(pushed, /^sha256:/);

    const bad = await runtime.createManifestList("localhost/bad:v1");
    await bad.add(`${reg}/list-src/signed:v1`, { tlsVerify: false });
    await bad.add(`${reg}/list-src/unsigned:v1`, { tlsVerify: false });
    await assert.rejects(
      bad.push(`${reg}/list-dst/bad:v1`, { selection: "all", tlsVerify: false }),
      (error: unknown) =>
        error instanceof ImageRejectedError &&
        error.reference.includes(`${reg}/list-src/unsigned`) &&
        /A signature was required, but no signature exists/.test(error.reason),
    );
    await assert.rejects(env.client.getManifest("list-dst/bad", "v1"));
  });
});
