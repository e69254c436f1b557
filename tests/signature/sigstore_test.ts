// Sigstore signatures against the real registry: what stevedore writes verifies with
// node:crypto, and what node:crypto signs verifies in stevedore under sigstoreSigned.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync, sign, verify } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ImageRejectedError, SigningError } from "../../src/errors.ts";
import {
  decryptCosignKey,
  generateSigstoreKeyPair,
  SIGSTORE_PAYLOAD_TYPE,
  SIGSTORE_SIGNATURE_ANNOTATION,
  sigstoreSigner,
  writeSigstoreAttachments,
} from "../../src/signature/mod.ts";
import { startTrustEnv, type TrustEnv } from "../trust/_trust_env.ts";

let env: TrustEnv;
const passphrase = new TextEncoder().encode("correct horse");
const cheap = { N: 1024, r: 8, p: 1 };
before(async () => {
  env = await startTrustEnv();
});
after(async () => {
  await env?.stop();
});

function sigstorePolicy(key: { keyPath?: string; keyData?: string }, signedIdentity?: unknown) {
  return {
    default: [{ type: "reject" }],
    transports: {
      docker: {
        [env.registry.registry]: [{
          type: "sigstoreSigned",
          ...key,
          ...(signedIdentity === undefined ? {} : { signedIdentity }),
        }],
      },
    },
  };
}

async function pull(policy: unknown, name: string) {
  const runtime = await env.open({ signaturePolicyPath: await env.policy(policy) });
  try {
    return {
      records: await runtime.pull(`${env.registry.registry}/${name}`, { tlsVerify: false }),
    };
  } catch (error) {
    assert.deepEqual(await runtime.listImages(), [], "nothing of a rejected image is stored");
    return { error };
  }
}

async function signatureManifest(repo: string, digest: string) {
  const response = await fetch(
    `${env.registry.url}/v2/${repo}/manifests/${digest.replace(":", "-")}.sig`,
    { headers: { accept: "application/vnd.oci.image.manifest.v1+json" } },
  );
  assert.equal(response.status, 200);
  return await response.json() as {
    layers: { mediaType: string; digest: string; annotations: Record<string, string> }[];
  };
}

function nodeKeys() {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return { privateKey, publicPem: publicKey.export({ type: "spki", format: "pem" }) as string };
}

/** A cosign payload written by hand, signed by node:crypto, attached to `repo@digest`. */
async function attachNodeSignature(
  repo: string,
  digest: string,
  identity: string,
  privateKey: ReturnType<typeof nodeKeys>["privateKey"],
  tamper = false,
) {
  const text = `{"critical":{"identity":{"docker-reference":"${identity}"},"image":{` +
    `"docker-manifest-digest":"${digest}"},"type":"cosign container image signature"},` +
    `"optional":null}`;
  const payload = new TextEncoder().encode(text);
  const signature = sign("sha256", payload, { key: privateKey, dsaEncoding: "der" });
  const stored = tamper ? new TextEncoder().encode(text.replace("cosign", "Cosign")) : payload;
  await writeSigstoreAttachments(env.client, repo, digest, [{
    mediaType: SIGSTORE_PAYLOAD_TYPE,
    payload: stored,
    annotations: { [SIGSTORE_SIGNATURE_ANNOTATION]: signature.toString("base64") },
  }]);
}

describe("sigstore signatures", () => {
  it("signs on push; node:crypto verifies the signature and the payload claims", async () => {
    await env.push("source/sig", "v1");
    const runtime = await env.open();
    await runtime.pull(`${env.registry.registry}/source/sig:v1`, { tlsVerify: false });
    const pair = await generateSigstoreKeyPair(passphrase, cheap);
    const key = await decryptCosignKey(new TextEncoder().encode(pair.privateKey), passphrase, "k");
    const destination = `${env.registry.registry}/sigstore/pushed:v1`;
    const digest = await runtime.push(`${env.registry.registry}/source/sig:v1`, destination, {
      tlsVerify: false,
      signers: [sigstoreSigner(key)],
    });
    const manifest = await signatureManifest("sigstore/pushed", digest);
    assert.equal(manifest.layers.length, 1);
    const [layer] = manifest.layers;
    assert.equal(layer.mediaType, SIGSTORE_PAYLOAD_TYPE);
    const blob = await fetch(`${env.registry.url}/v2/sigstore/pushed/blobs/${layer.digest}`);
    const payload = new Uint8Array(await blob.arrayBuffer());
    const signature = Buffer.from(layer.annotations[SIGSTORE_SIGNATURE_ANNOTATION], "base64");
    assert.ok(verify("sha256", payload, { key: pair.publicKey, dsaEncoding: "der" }, signature));
    const claims = JSON.parse(new TextDecoder().decode(payload));
    assert.deepEqual(claims.critical, {
      identity: { "docker-reference": destination },
      image: { "docker-manifest-digest": digest },
      type: "cosign container image signature",
    });
    // And stevedore accepts its own signature under sigstoreSigned.
    const keyPath = join(env.dir, "pushed.pub");
    await writeFile(keyPath, pair.publicKey);
    const { records } = await pull(sigstorePolicy({ keyPath }), "sigstore/pushed:v1");
    assert.equal(records?.[0].manifestDigest, digest);
  });

  it("accepts a known-answer signature made by node:crypto", async () => {
    const image = await env.push("sigstore/known", "v1");
    const keys = nodeKeys();
    await attachNodeSignature(
      "sigstore/known",
      image.manifest.digest,
      `${env.registry.registry}/sigstore/known:v1`,
      keys.privateKey,
    );
    const keyData = Buffer.from(keys.publicPem).toString("base64");
    const { records } = await pull(sigstorePolicy({ keyData }), "sigstore/known:v1");
    assert.equal(records?.[0].manifestDigest, image.manifest.digest);
  });

  it("rejects a signature by another key, and a payload changed after signing", async () => {
    const image = await env.push("sigstore/bad", "v1");
    const signer = nodeKeys();
    const other = nodeKeys();
    const keyPath = join(env.dir, "bad.pub");
    await writeFile(keyPath, signer.publicPem);
    const identity = `${env.registry.registry}/sigstore/bad:v1`;
    await attachNodeSignature("sigstore/bad", image.manifest.digest, identity, other.privateKey);
    let { error } = await pull(sigstorePolicy({ keyPath }), "sigstore/bad:v1");
    assert.ok(error instanceof ImageRejectedError);
    assert.match(error.reason, /cryptographic signature verification failed/);

    const tampered = await env.push("sigstore/tampered", "v1");
    await attachNodeSignature(
      "sigstore/tampered",
      tampered.manifest.digest,
      `${env.registry.registry}/sigstore/tampered:v1`,
      signer.privateKey,
      true,
    );
    ({ error } = await pull(sigstorePolicy({ keyPath }), "sigstore/tampered:v1"));
    assert.ok(error instanceof ImageRejectedError);
    assert.match(error.reason, /cryptographic signature verification failed/);
  });

  it("a cosign-style repository identity needs matchRepository", async () => {
    const image = await env.push("sigstore/repo", "v1");
    const keys = nodeKeys();
    await attachNodeSignature(
      "sigstore/repo",
      image.manifest.digest,
      `${env.registry.registry}/sigstore/repo`,
      keys.privateKey,
    );
    const keyData = Buffer.from(keys.publicPem).toString("base64");
    const { error } = await pull(sigstorePolicy({ keyData }), "sigstore/repo:v1");
    assert.ok(error instanceof ImageRejectedError);
    assert.match(error.reason, /Signature for identity .* is not accepted/);
    const { records } = await pull(
      sigstorePolicy({ keyData }, { type: "matchRepository" }),
      "sigstore/repo:v1",
    );
    assert.equal(records?.[0].manifestDigest, image.manifest.digest);
  });

  it("refuses a Fulcio policy it cannot verify offline, with a clear reason", async () => {
    const image = await env.push("sigstore/fulcio", "v1");
    const keys = nodeKeys();
    await attachNodeSignature(
      "sigstore/fulcio",
      image.manifest.digest,
      `${env.registry.registry}/sigstore/fulcio:v1`,
      keys.privateKey,
    );
    const policy = {
      default: [{ type: "reject" }],
      transports: {
        docker: {
          [env.registry.registry]: [{
            type: "sigstoreSigned",
            fulcio: { caPath: "/nonexistent/ca.pem", oidcIssuer: "https://x", subjectEmail: "a@b" },
            rekorPublicKeyPath: "/nonexistent/rekor.pub",
          }],
        },
      },
    };
    const { error } = await pull(policy, "sigstore/fulcio:v1");
    assert.ok(error instanceof ImageRejectedError);
    assert.match(error.reason, /fulcio-based sigstore verification is not supported/);
  });

  it("refuses to push sigstore signatures where attachments are disabled", async () => {
    await env.push("source/noattach", "v1");
    const dir = join(env.dir, "registries-no-attachments.d");
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, "x.yaml"),
      `docker:\n  ${env.registry.registry}:\n    lookaside: file://${env.lookaside}\n`,
    );
    const runtime = await env.open({ registriesDirPath: dir });
    await runtime.pull(`${env.registry.registry}/source/noattach:v1`, { tlsVerify: false });
    const pair = await generateSigstoreKeyPair(passphrase, cheap);
    const key = await decryptCosignKey(new TextEncoder().encode(pair.privateKey), passphrase, "k");
    await assert.rejects(
      runtime.push(
        `${env.registry.registry}/source/noattach:v1`,
        `${env.registry.registry}/sigstore/noattach:v1`,
        { tlsVerify: false, signers: [sigstoreSigner(key)] },
      ),
      (error: unknown) =>
        error instanceof SigningError && /use-sigstore-attachments/.test(error.message),
    );
    const head = await fetch(`${env.registry.url}/v2/sigstore/noattach/manifests/v1`, {
      method: "HEAD",
    });
    assert.equal(head.status, 404, "nothing was pushed");
  });
});
