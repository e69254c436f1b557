// Hostile or broken signature stores: oversized and too many signatures, unreachable
// lookasides; and the default policy that never looks at signatures at all.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { mkdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ImageRejectedError, SignatureError } from "../../src/errors.ts";
import { SIGSTORE_PAYLOAD_TYPE, sigstoreTag } from "../../src/signature/mod.ts";
import { sha256 } from "../helpers/random_image.ts";
import { run, startTrustEnv, type TrustEnv } from "./_trust_env.ts";

let env: TrustEnv;
let server: Server;
let serverUrl: string;
const served = new Map<string, Uint8Array>();
const requests: string[] = [];
before(async () => {
  env = await startTrustEnv();
  server = createServer((request, response) => {
    requests.push(request.url ?? "");
    const body = served.get(request.url ?? "");
    if (body === undefined) {
      response.statusCode = request.url?.includes("broken") ? 500 : 404;
      response.end();
      return;
    }
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  serverUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
after(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await env?.stop();
});

/** A registries.d directory whose lookaside for the test registry is `lookaside`. */
async function registriesD(name: string, lookaside: string): Promise<string> {
  const dir = join(env.dir, `registries-${name}.d`);
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, "x.yaml"),
    `docker:\n  ${env.registry.registry}:\n    lookaside: ${lookaside}\n    use-sigstore-attachments: true\n`,
  );
  return dir;
}

const signedBy = () => env.signedByPolicy(env.alice.publicKeyPath);

async function pullFails(policy: unknown, dir: string, name: string): Promise<unknown> {
  const runtime = await env.open({
    signaturePolicyPath: await env.policy(policy),
    registriesDirPath: dir,
  });
  let caught: unknown;
  try {
    await runtime.pull(`${env.registry.registry}/${name}`, { tlsVerify: false });
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, "the pull must fail");
  assert.deepEqual(await runtime.listImages(), [], "nothing is stored");
  return caught;
}

describe("signature store limits", () => {
  it("the accept-anything policy fetches no signature, even from an unreachable lookaside", async () => {
    await env.push("limits/open", "v1");
    const dir = await registriesD("unreachable", "http://127.0.0.1:1/lookaside");
    const urls: string[] = [];
    const counting = (input: string | URL | Request, init?: RequestInit) => {
      urls.push(input instanceof Request ? input.url : String(input));
      return fetch(input, init);
    };
    const runtime = await env.open({
      signaturePolicyPath: await env.policy({ default: [{ type: "insecureAcceptAnything" }] }),
      registriesDirPath: dir,
      fetch: counting as typeof fetch,
    });
    await runtime.pull(`${env.registry.registry}/limits/open:v1`, { tlsVerify: false });
    assert.ok(urls.length > 0);
    assert.deepEqual(urls.filter((u) => u.includes(".sig") || u.includes(":1/")), []);
  });

  it("an unreachable lookaside is a typed error when a signature is required", async () => {
    await env.push("limits/unreachable", "v1");
    const dir = await registriesD("unreachable2", "http://127.0.0.1:1/lookaside");
    const error = await pullFails(signedBy(), dir, "limits/unreachable:v1");
    assert.ok(error instanceof SignatureError, String(error));
    assert.match(
      error.location,
      /^http:\/\/127\.0\.0\.1:1\/lookaside\/limits\/unreachable@sha256=/,
    );
  });

  it("a lookaside answering 500 is a typed error", async () => {
    await env.push("limits/broken", "v1");
    const dir = await registriesD("broken", `${serverUrl}/broken`);
    const error = await pullFails(signedBy(), dir, "limits/broken:v1");
    assert.ok(error instanceof SignatureError);
    assert.match(error.message, /status 500/);
  });

  it("refuses a signature over 4 MiB from an http lookaside", async () => {
    const image = await env.push("limits/huge", "v1");
    const dir = await registriesD("huge", `${serverUrl}/huge`);
    served.set(
      `/huge/limits/huge@sha256=${image.manifest.digest.slice(7)}/signature-1`,
      new Uint8Array(4 * 1024 * 1024 + 1),
    );
    const error = await pullFails(signedBy(), dir, "limits/huge:v1");
    assert.ok(error instanceof SignatureError);
    assert.match(error.message, /larger than 4194304 bytes/);
  });

  it("refuses a signature over 4 MiB from a file lookaside", async () => {
    const image = await env.push("limits/hugefile", "v1");
    const root = join(env.dir, "huge-lookaside");
    const sigDir = join(root, "limits", `hugefile@sha256=${image.manifest.digest.slice(7)}`);
    await mkdir(sigDir, { recursive: true });
    await writeFile(join(sigDir, "signature-1"), new Uint8Array(4 * 1024 * 1024 + 1));
    const error = await pullFails(
      signedBy(),
      await registriesD("hugefile", `file://${root}`),
      "limits/hugefile:v1",
    );
    assert.ok(error instanceof SignatureError);
  });

  it("refuses more than 128 lookaside signatures", async () => {
    const image = await env.push("limits/many", "v1");
    const root = join(env.dir, "many-lookaside");
    const sigDir = join(root, "limits", `many@sha256=${image.manifest.digest.slice(7)}`);
    await mkdir(sigDir, { recursive: true });
    for (let i = 1; i <= 129; i++) await writeFile(join(sigDir, `signature-${i}`), "x");
    const error = await pullFails(
      signedBy(),
      await registriesD("many", `file://${root}`),
      "limits/many:v1",
    );
    assert.ok(error instanceof SignatureError);
    assert.match(error.message, /more than 128 signatures/);
  });

  it("refuses more than 128 sigstore attachments", async () => {
    const image = await env.push("limits/manysig", "v1");
    const payload = new TextEncoder().encode("payload");
    const layer = {
      mediaType: SIGSTORE_PAYLOAD_TYPE,
      digest: sha256(payload),
      size: payload.length,
    };
    await env.client.putBlob("limits/manysig", layer.digest, payload.length, payload);
    const config = new TextEncoder().encode("{}");
    await env.client.putBlob("limits/manysig", sha256(config), config.length, config);
    const manifest = new TextEncoder().encode(JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {
        mediaType: "application/vnd.oci.image.config.v1+json",
        digest: sha256(config),
        size: 2,
      },
      layers: Array.from({ length: 129 }, () => layer),
    }));
    await env.client.putManifest(
      "limits/manysig",
      sigstoreTag(image.manifest.digest),
      manifest,
      "application/vnd.oci.image.manifest.v1+json",
    );
    const policy = {
      default: [{ type: "reject" }],
      transports: {
        docker: { [env.registry.registry]: [{ type: "sigstoreSigned", keyData: btoa("x") }] },
      },
    };
    const error = await pullFails(policy, env.registriesD, "limits/manysig:v1");
    assert.ok(error instanceof SignatureError);
    assert.match(error.message, /more than 128 signatures/);
  });

  it("refuses a compressed signature that inflates past 4 MiB", async () => {
    const image = await env.push("limits/bomb", "v1");
    const root = join(env.dir, "bomb-lookaside");
    const sigDir = join(root, "limits", `bomb@sha256=${image.manifest.digest.slice(7)}`);
    await mkdir(sigDir, { recursive: true });
    const signature = join(sigDir, "signature-1");
    await run("gpg", [
      "--batch",
      "--compress-algo",
      "zlib",
      "-z",
      "9",
      "--local-user",
      env.alice.fingerprint,
      "--output",
      signature,
      "--sign",
    ], { env: { GNUPGHOME: env.gnupgHome }, input: new Uint8Array(8 * 1024 * 1024) });
    assert.ok((await stat(signature)).size < 1024 * 1024, "the signature itself is small");
    const error = await pullFails(
      signedBy(),
      await registriesD("bomb", `file://${root}`),
      "limits/bomb:v1",
    );
    assert.ok(error instanceof ImageRejectedError, String(error));
    assert.match(error.reason, /^Invalid GPG signature: .*(size|large|exceed)/i);
  });

  it("garbage in the lookaside is a rejection that names the problem", async () => {
    const image = await env.push("limits/garbage", "v1");
    const root = join(env.dir, "garbage-lookaside");
    const sigDir = join(root, "limits", `garbage@sha256=${image.manifest.digest.slice(7)}`);
    await mkdir(sigDir, { recursive: true });
    await writeFile(join(sigDir, "signature-1"), "not an OpenPGP message");
    const error = await pullFails(
      signedBy(),
      await registriesD("garbage", `file://${root}`),
      "limits/garbage:v1",
    );
    assert.ok(error instanceof ImageRejectedError);
    assert.match(error.reason, /^Invalid GPG signature/);
  });
});
