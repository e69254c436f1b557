// A registry's own TLS files (containers-certs.d(5)) against the real distribution registry
// serving a certificate signed by a test CA, and one that also requires client
// certificates: CA certificates and a client certificate given to the registry client,
// and read by the runtime from certs.d (or a --cert-dir) for pull, push and search.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import { ConfigError, RegistryError } from "../../src/errors.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { RegistryClient, type RegistryClientOptions } from "../../src/registry/mod.ts";
import type { Runtime } from "../../src/runtime/mod.ts";
import {
  certificateAuthority,
  type CertificateFiles,
  signedCertificate,
} from "../helpers/certificates.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { type RandomImage, randomImage } from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";
import { snapshot } from "../runtime/_sentinel.ts";
import { readAll } from "./_fixtures.ts";
import { openTlsRuntime } from "./_tls_runtime.ts";

const NO_RETRY = { maxRetries: 0 };

/** Fails unless `error` is a RegistryError naming `registry`. */
function namesRegistry(registry: string) {
  return (error: unknown) => {
    assert.ok(error instanceof RegistryError, String(error));
    assert.ok(error.message.includes(registry), error.message);
    return true;
  };
}

describe("registries with their own CA and client certificates", () => {
  let dir: string;
  let authority: CertificateFiles;
  let caPem: string;
  let client: { cert: string; key: string };
  /** Serves a certificate signed by `authority`. */
  let signed: RegistryServer;
  /** The same, and requires a client certificate signed by the client CA. */
  let mutual: RegistryServer;
  const image = randomImage({ layers: 2, layerSize: 2048 });

  const clientOf = (server: RegistryServer, options: Partial<RegistryClientOptions>) =>
    new RegistryClient({ registry: server.registry, retry: NO_RETRY, ...options });

  /** Pushes `pushed` to `repoTag` on `server` with the copy engine and certs.d in `home`. */
  const push = async (server: RegistryServer, pushed: RandomImage, repoTag: string) => {
    const memory = memoryTransport();
    memory.store.add(repoTag, pushed);
    await copyBetween(memory.parse(repoTag), `docker://${server.registry}/${repoTag}`, {
      context: { fs: new NodeFileSystem(), certDir: join(dir, "client-dir") },
    });
  };

  /** Writes certs.d files for `server` below `home`. */
  const certsD = async (home: string, server: RegistryServer, files: Record<string, string>) => {
    const hostDir = join(home, ".config/containers/certs.d", server.registry);
    await mkdir(hostDir, { recursive: true });
    for (const [name, text] of Object.entries(files)) await writeFile(join(hostDir, name), text);
  };

  const open = async (name: string): Promise<Runtime> => (await openTlsRuntime(dir, name)).runtime;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "stevedore-certs-"));
    authority = certificateAuthority(dir, "server-ca");
    const clientAuthority = certificateAuthority(dir, "client-ca");
    const clientFiles = signedCertificate(dir, "client", clientAuthority, "client");
    caPem = await readFile(authority.certificate, "utf8");
    client = {
      cert: await readFile(clientFiles.certificate, "utf8"),
      key: await readFile(clientFiles.key, "utf8"),
    };
    // A --cert-dir with everything: the CA and the client pair.
    await mkdir(join(dir, "client-dir"));
    await copyFile(authority.certificate, join(dir, "client-dir", "ca.crt"));
    await copyFile(clientFiles.certificate, join(dir, "client-dir", "client.cert"));
    await copyFile(clientFiles.key, join(dir, "client-dir", "client.key"));
    signed = await startRegistry({ tls: { authority } });
    mutual = await startRegistry({ tls: { authority, clientAuthority } });
    await push(signed, image, "certs/app:v1");
    await push(mutual, image, "certs/app:v1");
  });
  after(async () => {
    await signed?.stop();
    await mutual?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("trusts a registry's CA given to the client, certificate checks on", async () => {
    const trusting = clientOf(signed, { tls: { ca: [caPem] } });
    const { bytes, mediaType, digest } = image.manifest;
    assert.deepEqual(await trusting.getManifest("certs/app", "v1"), { bytes, mediaType, digest });
    const [layer] = image.layers;
    assert.deepEqual(await readAll(await trusting.getBlob("certs/app", layer.digest)), layer.bytes);
    await trusting.putManifest("certs/app", "v2", bytes, mediaType);

    const perHost = clientOf(signed, {
      tls: (host) => host === signed.registry ? { ca: [caPem] } : undefined,
    });
    assert.equal((await perHost.getManifest("certs/app", "v2")).digest, digest);

    await assert.rejects(clientOf(signed, {}).ping(), namesRegistry(signed.registry));
    // A CA given for another registry does not count.
    const elsewhere = clientOf(signed, { tls: (host) => host === "x:1" ? { ca: [caPem] } : {} });
    await assert.rejects(elsewhere.ping(), namesRegistry(signed.registry));
  });

  it("sends a client certificate to a registry that requires one", async () => {
    const withCert = clientOf(mutual, { tls: { ca: [caPem], ...client } });
    const { bytes, mediaType, digest } = image.manifest;
    assert.deepEqual(await withCert.getManifest("certs/app", "v1"), { bytes, mediaType, digest });
    await withCert.putManifest("certs/app", "v3", bytes, mediaType);
    // Insecure: no check of the server, the client certificate still sent.
    const insecure = clientOf(mutual, { insecure: true, tls: client });
    assert.equal((await insecure.getManifest("certs/app", "v3")).digest, digest);

    await assert.rejects(
      clientOf(mutual, { tls: { ca: [caPem] } }).ping(),
      namesRegistry(mutual.registry),
    );
  });

  it("pulls with the certs.d files of the user's home; without them refuses, store untouched", async () => {
    const runtime = await open("pull");
    await certsD(join(dir, "pull", "home"), mutual, {
      "ca.crt": caPem,
      "client.cert": client.cert,
      "client.key": client.key,
    });
    const [pulled] = await runtime.pull(`${mutual.registry}/certs/app:v1`, { retries: 0 });
    assert.equal(`sha256:${pulled.id}`, image.config.digest);

    const bare = await open("bare");
    const [first] = await bare.pull(`${signed.registry}/certs/app:v1`, {
      retries: 0,
      certDir: join(dir, "client-dir"),
    });
    assert.equal(`sha256:${first.id}`, image.config.digest);
    const before = await snapshot(join(dir, "bare", "store"));
    await assert.rejects(
      bare.pull(`${mutual.registry}/certs/app:v1`, { retries: 0 }),
      namesRegistry(mutual.registry),
    );
    assert.deepEqual(await snapshot(join(dir, "bare", "store")), before);
  });

  it("pushes and searches with a --cert-dir", async () => {
    const runtime = await open("push");
    const certDir = join(dir, "client-dir");
    await runtime.pull(`${mutual.registry}/certs/app:v1`, { retries: 0, certDir });
    const destination = `${mutual.registry}/certs/pushed:v1`;
    await runtime.push(`${mutual.registry}/certs/app:v1`, destination, { certDir });
    const check = clientOf(mutual, { tls: { ca: [caPem], ...client } });
    assert.equal((await check.getManifest("certs/pushed", "v1")).digest, image.manifest.digest);
    const found = await runtime.search(`${mutual.registry}/certs/`, { certDir, retries: 0 });
    assert.deepEqual(found.map((row) => row.Name).sort(), [
      `${mutual.registry}/certs/app`,
      `${mutual.registry}/certs/pushed`,
    ]);
  });

  it("refuses a client certificate without its key, naming the file", async () => {
    const runtime = await open("lonely");
    await certsD(join(dir, "lonely", "home"), signed, { "ca.crt": caPem, "me.cert": client.cert });
    await assert.rejects(
      runtime.pull(`${signed.registry}/certs/app:v1`, { retries: 0 }),
      (error) => {
        assert.ok(error instanceof ConfigError, String(error));
        assert.match(error.message, /me\.cert/);
        assert.match(error.message, /missing key me\.key/);
        return true;
      },
    );
  });
});
