// The registry client with no `fetch` given, against a plain-HTTP registry with bearer-token
// auth whose blobs redirect to another origin (a CDN): every request the pull makes is
// answered, the token is sent to the registry only, and on Node the pull loads no undici
// (`Request`, `Headers`, `Response`, `fetch`): node:http serves every download there.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import process from "node:process";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { RegistryClient } from "../../src/registry/mod.ts";

const versions = process.versions as Record<string, string | undefined>;
const onNode = versions.deno === undefined && versions.bun === undefined;

const digestOf = (bytes: Uint8Array) =>
  `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

const blob = new Uint8Array(300_000).map((_, i) => (i * 31 + 7) % 256);
const blobDigest = digestOf(blob);
const manifest = new TextEncoder().encode(JSON.stringify({
  schemaVersion: 2,
  mediaType: "application/vnd.oci.image.manifest.v1+json",
  config: {
    mediaType: "application/vnd.oci.image.config.v1+json",
    digest: blobDigest,
    size: blob.length,
  },
  layers: [],
}));

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
};

describe("registry client, default transport", () => {
  let registry: Server;
  let cdn: Server;
  let host = "";
  let cdnHost = "";
  /** The Authorization header of each request, by path. */
  const seen: { server: string; path: string; authorization?: string }[] = [];
  const note = (server: string, path: string, headers: IncomingHttpHeaders) =>
    seen.push({ server, path, authorization: headers.authorization });

  before(async () => {
    cdn = createServer((req, res) => {
      note("cdn", req.url!, req.headers);
      res.writeHead(200, { "content-length": String(blob.length) });
      res.end(blob);
    });
    cdnHost = await listen(cdn);
    registry = createServer((req, res) => {
      const path = req.url!.split("?")[0];
      note("registry", path, req.headers);
      if (path === "/token") {
        res.writeHead(200, { "content-type": "application/json" });
        return res.end(JSON.stringify({ token: "t0ken" }));
      }
      if (req.headers.authorization !== "Bearer t0ken") {
        res.writeHead(401, {
          "www-authenticate":
            `Bearer realm="http://${host}/token",service="test",scope="repository:app:pull"`,
          "content-type": "application/json",
        });
        return res.end('{"errors":[{"code":"UNAUTHORIZED","message":"token needed"}]}');
      }
      if (path === "/v2/") return res.end("{}");
      if (path === "/v2/app/manifests/v1") {
        res.writeHead(200, {
          "content-type": "application/vnd.oci.image.manifest.v1+json",
          "docker-content-digest": digestOf(manifest),
          "content-length": String(manifest.length),
        });
        return res.end(manifest);
      }
      if (path === `/v2/app/blobs/${blobDigest}`) {
        res.writeHead(307, { location: `http://${cdnHost}/blobs/${blobDigest}?signed=1` });
        return res.end();
      }
      res.writeHead(404);
      res.end();
    });
    host = await listen(registry);
  });

  after(async () => {
    for (const server of [registry, cdn]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("pulls a manifest and a redirected blob, the token kept to the registry", async () => {
    const client = new RegistryClient({ registry: host, insecure: true });
    const fetched = await client.getManifest("app", "v1");
    assert.deepEqual(fetched.bytes, manifest);
    const stream = await client.getBlob("app", blobDigest, { size: blob.length });
    const hash = createHash("sha256");
    let size = 0;
    for await (const chunk of stream) {
      hash.update(chunk);
      size += chunk.length;
    }
    assert.equal(size, blob.length);
    assert.equal(`sha256:${hash.digest("hex")}`, blobDigest);

    const token = seen.filter((request) => request.path === "/token");
    assert.equal(token.length, 1);
    const withToken = seen.filter((request) => request.authorization === "Bearer t0ken");
    assert.deepEqual(
      [...new Set(withToken.map((request) => `${request.server} ${request.path}`))],
      ["registry /v2/app/manifests/v1", `registry /v2/app/blobs/${blobDigest}`],
    );
    const fromCdn = seen.filter((request) => request.server === "cdn");
    assert.equal(fromCdn.length, 1);
    assert.equal(fromCdn[0].authorization, undefined);

    if (onNode) {
      const loaded = (process as unknown as { moduleLoadList: string[] }).moduleLoadList;
      assert.deepEqual(loaded.filter((name) => name.includes("undici")), []);
    }
  });
});
