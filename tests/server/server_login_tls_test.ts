// `POST /auth` reaches a registry over TLS as the runtime's registry clients do: without
// certificate checks for an insecure (here: loopback) registry, and with the registry's
// certs.d files (its CA, a client certificate) from the runtime's home. Real distribution
// registries with a self-signed certificate and htpasswd, and with a test CA requiring
// client certificates.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServerApp } from "../../src/server/mod.ts";
import { certificateAuthority, signedCertificate } from "../helpers/certificates.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";
import { openTlsRuntime } from "../registry/_tls_runtime.ts";

describe("POST /auth over TLS", () => {
  let dir: string;
  let selfSigned: RegistryServer;
  let mutual: RegistryServer;
  let clientFiles: { certificate: string; key: string };
  let authorityFile: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "stevedore-login-tls-"));
    const authority = certificateAuthority(dir, "server-ca");
    const clientAuthority = certificateAuthority(dir, "client-ca");
    clientFiles = signedCertificate(dir, "client", clientAuthority, "client");
    authorityFile = authority.certificate;
    selfSigned = await startRegistry({ tls: true, auth: { username: "ann", password: "s3cret" } });
    mutual = await startRegistry({ tls: { authority, clientAuthority } });
  });
  after(async () => {
    await selfSigned?.stop();
    await mutual?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const login = async (name: string, body: Record<string, string>, certsD?: RegistryServer) => {
    const { runtime, home } = await openTlsRuntime(dir, name);
    if (certsD !== undefined) {
      const hostDir = join(home, ".config/containers/certs.d", certsD.registry);
      await mkdir(hostDir, { recursive: true });
      await copyFile(authorityFile, join(hostDir, "ca.crt"));
      await copyFile(clientFiles.certificate, join(hostDir, "client.cert"));
      await copyFile(clientFiles.key, join(hostDir, "client.key"));
    }
    const server = createServerApp(runtime);
    try {
      const answer = await server.app.request("/v1.47/auth", {
        method: "POST",
        body: JSON.stringify(body),
      });
      return { status: answer.status, body: await answer.json() };
    } finally {
      server.close();
    }
  };

  it("checks credentials against a self-signed HTTPS registry without checking its certificate", async () => {
    const ok = await login("self-signed-ok", {
      username: "ann",
      password: "s3cret",
      serveraddress: selfSigned.registry,
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(ok.body, { Status: "Login Succeeded", IdentityToken: "" });
    const bad = await login("self-signed-bad", {
      username: "ann",
      password: "wrong",
      serveraddress: `https://${selfSigned.registry}`,
    });
    assert.equal(bad.status, 401);
    assert.match(bad.body.message, /login attempt to https:\/\/.* failed with status: 401/);
  });

  it("sends the client certificate from certs.d to a registry that requires one", async () => {
    const body = { username: "any", password: "thing", serveraddress: mutual.registry };
    const withFiles = await login("mutual-certs", body, mutual);
    assert.equal(withFiles.status, 200, JSON.stringify(withFiles.body));
    assert.equal(withFiles.body.Status, "Login Succeeded");
    const without = await login("mutual-none", body);
    assert.notEqual(without.status, 200);
  });
});
