import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { defaultFetch, type DefaultFetchOptions } from "../../src/registry/_default_fetch.ts";

const versions = process.versions as Record<string, string | undefined>;
const onNode = versions.deno === undefined && versions.bun === undefined;

describe("defaultFetch", () => {
  let server: Server;
  let base: string;
  const seen: { method: string; headers: IncomingHttpHeaders }[] = [];

  before(async () => {
    server = createServer(async (req, res) => {
      for await (const _ of req) { /* drain the body */ }
      seen.push({ method: req.method!, headers: req.headers });
      res.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const cases: [string, DefaultFetchOptions][] = [
    ["certificates checked", {}],
    ["insecure: certificates not checked", { verifyTls: false }],
  ];
  for (const [label, options] of cases) {
    it(`downloads through node:http on Node, the runtime's fetch elsewhere and for the rest (${label})`, async () => {
      await sendsPlainHttpAsToday(defaultFetch(options));
    });
  }

  /** Plain HTTP goes where it always went, whether certificates are checked or not. */
  async function sendsPlainHttpAsToday(fetch: ReturnType<typeof defaultFetch>) {
    seen.length = 0;
    for (
      const init of [
        { method: "GET", redirect: "manual" },
        { method: "HEAD", redirect: "manual" },
        { method: "GET" }, // follows redirects
        {}, // a GET, all defaults
        { method: "POST", body: "x", redirect: "manual" },
      ] as RequestInit[]
    ) {
      const response = await fetch(`${base}/v2/`, init);
      assert.equal(response.status, 200);
      await response.body?.cancel();
    }
    // Every runtime's fetch sends `Accept: */*`; node:http sends only what it is given.
    const accepts = seen.map((request) => request.headers.accept);
    const download = onNode ? undefined : "*/*";
    assert.deepEqual(accepts, [download, download, download, download, "*/*"]);
    assert.deepEqual(seen.map((request) => request.method), ["GET", "HEAD", "GET", "GET", "POST"]);
  }
});
