// Registry failures in podman's words, where the client meets the same situation: a
// plain-HTTP registry asked over HTTPS ("server gave HTTP response to HTTPS client") and
// a missing manifest or blob ("manifest unknown: manifest unknown"), against the real
// distribution registry.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BlobUnknownError, ManifestUnknownError, RegistryError } from "../../src/errors.ts";
import { RegistryClient } from "../../src/registry/mod.ts";
import { runCli } from "../cli/_cli.ts";
import { rejection } from "./_fixtures.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";

const HTTPS_TO_HTTP = "http: server gave HTTP response to HTTPS client";

let registry: RegistryServer;
let dir: string;

before(async () => {
  registry = await startRegistry();
  dir = await mkdtemp(join(tmpdir(), "stevedore-words-"));
});

after(async () => {
  await registry?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

describe("registry errors in podman's words", () => {
  it("says the server gave an HTTP response to an HTTPS client, without retrying", async () => {
    const sleeps: number[] = [];
    const client = new RegistryClient({
      registry: registry.registry,
      sleep: (ms) => Promise.resolve(void sleeps.push(ms)),
    });
    const error = await rejection(client.getManifest("app", "latest"));
    assert.ok(error instanceof RegistryError, String(error));
    assert.ok(error.message.includes(HTTPS_TO_HTTP), error.message);
    assert.ok(
      error.message.includes(`pinging container registry ${registry.registry}`),
      error.message,
    );
    assert.ok(error.message.includes("--tls-verify=false"), error.message);
    assert.deepEqual(sleeps, []);
  });

  it("keeps a refused connection a connection failure", async () => {
    const client = new RegistryClient({
      registry: `127.0.0.1:${await closedPort()}`,
      retry: { maxRetries: 0 },
    });
    const error = await rejection(client.ping());
    assert.ok(error instanceof RegistryError, String(error));
    assert.ok(!error.message.includes(HTTPS_TO_HTTP), error.message);
    assert.match(error.message, /connection failed/);
  });

  it("says manifest unknown and blob unknown as the registry does", async () => {
    const client = new RegistryClient({ registry: registry.registry, insecure: true });
    const manifest = await rejection(client.getManifest("app", "nope"));
    assert.ok(manifest instanceof ManifestUnknownError, String(manifest));
    assert.equal(
      manifest.message,
      `Cannot find manifest "${registry.registry}/app:nope": manifest unknown: manifest unknown`,
    );
    const digest = `sha256:${"0".repeat(64)}`;
    const blob = await rejection(client.getBlob("app", digest));
    assert.ok(blob instanceof BlobUnknownError, String(blob));
    assert.match(blob.message, /: blob unknown: blob unknown to registry$/);
  });

  it("prints both through stevedore pull", async () => {
    const conf = join(dir, "registries.conf");
    await writeFile(conf, "");
    const pull = (...args: string[]) =>
      runCli(["--root", join(dir, "root"), "--registries-conf", conf, "pull", ...args], {
        HOME: dir,
      });
    const secure = pull("--retry=0", `${registry.registry}/app:nope`);
    assert.notEqual(secure.code, 0);
    assert.ok(secure.stderr.includes(HTTPS_TO_HTTP), secure.stderr);
    const missing = pull("--tls-verify=false", "--retry=0", `${registry.registry}/app:nope`);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /manifest unknown: manifest unknown\n$/);
  });
});
