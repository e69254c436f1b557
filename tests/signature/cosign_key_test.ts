// Cosign-format keys: generation, decryption, signing verified by node:crypto, and every
// malformed key a typed error naming it.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync, verify } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KeyError } from "../../src/errors.ts";
import {
  decryptCosignKey,
  encryptCosignKey,
  generateSigstoreKeyPair,
  readSigstorePublicKeys,
  signSigstorePayload,
  verifySigstoreSignature,
} from "../../src/signature/mod.ts";
import { runCli } from "../cli/_cli.ts";

const encoder = new TextEncoder();
const passphrase = encoder.encode("hunter2");
const cheap = { N: 1024, r: 8, p: 1 };

function pemBody(pem: string): Uint8Array {
  const body = pem.split("\n").filter((l) => l && !l.startsWith("-----")).join("");
  return Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
}

function wrap(type: string, json: unknown): Uint8Array {
  const body = btoa(JSON.stringify(json)).replace(/.{1,64}/g, "$&\n");
  return encoder.encode(`-----BEGIN ${type}-----\n${body}-----END ${type}-----\n`);
}

function rejectsKey(promise: Promise<unknown>, pattern: RegExp) {
  return assert.rejects(
    promise,
    (error: unknown) =>
      error instanceof KeyError && error.key === "test.key" && pattern.test(error.message),
  );
}

describe("cosign keys", () => {
  it("generates cosign's format with cosign's scrypt parameters", async () => {
    const pair = await generateSigstoreKeyPair(passphrase);
    assert.match(pair.privateKey, /^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n/);
    const json = JSON.parse(new TextDecoder().decode(pemBody(pair.privateKey)));
    assert.deepEqual(json.kdf.params, { N: 32768, r: 8, p: 1 });
    assert.equal(json.kdf.name, "scrypt");
    assert.equal(json.cipher.name, "nacl/secretbox");
    assert.equal(atob(json.kdf.salt).length, 32);
    assert.equal(atob(json.cipher.nonce).length, 24);
    const key = await decryptCosignKey(encoder.encode(pair.privateKey), passphrase, "test.key");
    assert.equal(key.algorithm.name, "ECDSA");
  });

  it("signs so that node:crypto verifies, and verifies node:crypto's signatures", async () => {
    const pair = await generateSigstoreKeyPair(passphrase, cheap);
    const key = await decryptCosignKey(encoder.encode(pair.privateKey), passphrase, "test.key");
    const payload = encoder.encode('{"critical":{},"optional":null}');
    const signature = await signSigstorePayload(payload, key);
    assert.ok(
      verify(
        "sha256",
        payload,
        { key: pair.publicKey, dsaEncoding: "der" },
        Buffer.from(signature, "base64"),
      ),
    );
    for (const namedCurve of ["P-256", "P-384"]) {
      const node = generateKeyPairSync("ec", { namedCurve });
      const pem = node.publicKey.export({ type: "spki", format: "pem" }) as string;
      const keys = await readSigstorePublicKeys(encoder.encode(pem), "node.pub");
      const { sign } = await import("node:crypto");
      const der = sign("sha256", payload, { key: node.privateKey, dsaEncoding: "der" }).toString(
        "base64",
      );
      await verifySigstoreSignature(payload, der, keys);
      await assert.rejects(
        verifySigstoreSignature(encoder.encode("other"), der, keys),
        /verification failed/,
      );
    }
  });

  it("accepts cosign's older PEM label", async () => {
    const pkcs8 = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({
      type: "pkcs8",
      format: "der",
    });
    const pem = (await encryptCosignKey(new Uint8Array(pkcs8), passphrase, cheap))
      .replaceAll("ENCRYPTED SIGSTORE PRIVATE KEY", "ENCRYPTED COSIGN PRIVATE KEY");
    const key = await decryptCosignKey(encoder.encode(pem), passphrase, "test.key");
    assert.equal(key.type, "private");
  });

  it("refuses a wrong passphrase and malformed keys, naming the key", async () => {
    const pair = await generateSigstoreKeyPair(passphrase, cheap);
    await rejectsKey(
      decryptCosignKey(encoder.encode(pair.privateKey), encoder.encode("nope"), "test.key"),
      /wrong passphrase/,
    );
    await rejectsKey(
      decryptCosignKey(encoder.encode(pair.publicKey), passphrase, "test.key"),
      /no PEM/,
    );
    await rejectsKey(decryptCosignKey(encoder.encode("garbage"), passphrase, "test.key"), /no PEM/);
    const json = JSON.parse(new TextDecoder().decode(pemBody(pair.privateKey)));
    const type = "ENCRYPTED SIGSTORE PRIVATE KEY";
    await rejectsKey(
      decryptCosignKey(
        wrap(type, { ...json, kdf: { ...json.kdf, params: { N: 1 << 24, r: 8, p: 1 } } }),
        passphrase,
        "test.key",
      ),
      /too expensive/,
    );
    await rejectsKey(
      decryptCosignKey(
        wrap(type, { ...json, kdf: { ...json.kdf, name: "argon2" } }),
        passphrase,
        "test.key",
      ),
      /unsupported key derivation/,
    );
    await rejectsKey(
      decryptCosignKey(wrap(type, { ...json, cipher: { name: "aes" } }), passphrase, "test.key"),
      /unsupported cipher/,
    );
    await rejectsKey(
      decryptCosignKey(wrap(type, { ...json, ciphertext: "!!" }), passphrase, "test.key"),
      /not base64/,
    );
    await rejectsKey(
      decryptCosignKey(wrap(type, "just a string"), passphrase, "test.key"),
      /not a JSON object/,
    );
  });

  it("refuses public keys that are not ECDSA", async () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({
      type: "spki",
      format: "pem",
    }) as string;
    await rejectsKey(readSigstorePublicKeys(encoder.encode(rsa), "test.key"), /not an ECDSA/);
    await rejectsKey(
      readSigstorePublicKeys(encoder.encode("no pem here"), "test.key"),
      /no PEM PUBLIC KEY/,
    );
  });

  it("stevedore generate-sigstore-key writes PREFIX.pub and PREFIX.private, never overwriting", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stevedore-keygen-"));
    try {
      const passFile = join(dir, "pass");
      await writeFile(passFile, "hunter2\n");
      const prefix = join(dir, "mykey");
      const args = [
        "--root",
        join(dir, "root"),
        "generate-sigstore-key",
        "--output-prefix",
        prefix,
        "--passphrase-file",
        passFile,
      ];
      const first = runCli(args);
      assert.equal(first.code, 0, first.stderr);
      const privateKey = await readFile(`${prefix}.private`);
      await decryptCosignKey(new Uint8Array(privateKey), passphrase, "mykey.private");
      await readSigstorePublicKeys(new Uint8Array(await readFile(`${prefix}.pub`)), "mykey.pub");
      const second = runCli(args);
      assert.notEqual(second.code, 0);
      assert.match(second.stderr, /refusing to overwrite/);
      assert.deepEqual(
        new Uint8Array(await readFile(`${prefix}.private`)),
        new Uint8Array(privateKey),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
