// Reading HTTP/1.1 response heads and chunked bodies from raw bytes: what a well-behaved
// registry sends is read as `node:http` reads it; what could smuggle or confuse (folded or
// broken lines, conflicting lengths, unknown codings, bad chunk sizes) is refused.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ChunkedDecoder,
  headEnd,
  Http1Error,
  MAX_HEAD_BYTES,
  parseHead,
} from "../../src/fs/_http1_head.ts";

const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const head = (text: string, method = "GET") => parseHead(bytes(text), method);

describe("parseHead", () => {
  it("reads the status, the fields as sent and a Content-Length body", () => {
    const parsed = head(
      "HTTP/1.1 200 OK\r\nContent-Length: 12\r\nDocker-Content-Digest:  sha256:ab \r\nX-A: 1\r\n\r\n",
    );
    assert.deepEqual(parsed, {
      status: 200,
      statusText: "OK",
      rawHeaders: ["Content-Length", "12", "Docker-Content-Digest", "sha256:ab", "X-A", "1"],
      framing: { length: 12 },
      keepAlive: true,
    });
  });

  it("keeps HTTP/1.1 connections open unless told to close, and HTTP/1.0 ones only if asked", () => {
    assert.equal(
      head("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").keepAlive,
      false,
    );
    assert.equal(head("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").keepAlive, false);
    assert.equal(
      head("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n").keepAlive,
      true,
    );
  });

  it("frames a body as chunked, by its length, or up to the close", () => {
    assert.equal(head("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n").framing, "chunked");
    const untilClose = head("HTTP/1.1 200 OK\r\n\r\n");
    assert.deepEqual([untilClose.framing, untilClose.keepAlive], ["close", false]);
    // The same length repeated is one length.
    assert.deepEqual(head("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\n").framing, {
      length: 5,
    });
  });

  it("gives no body to HEAD, 1xx, 204 and 304 answers, whatever they declare", () => {
    assert.deepEqual(head("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", "HEAD").framing, {
      length: 0,
    });
    for (const status of ["100 Continue", "204 No Content", "304 Not Modified"]) {
      assert.deepEqual(head(`HTTP/1.1 ${status}\r\nContent-Length: 99\r\n\r\n`).framing, {
        length: 0,
      });
    }
  });

  it("refuses heads that could be read two ways", () => {
    const refused = [
      "HTTP/2 200 OK\r\n\r\n",
      "HTTP/1.1 20 OK\r\n\r\n",
      "ICY 200 OK\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n",
      "HTTP/1.1 200 OK\r\nNo colon\r\n\r\n",
      "HTTP/1.1 200 OK\r\nBad Name: 1\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX-A: a\u0000b\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX-A: a\rb\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\n",
    ];
    for (const text of refused) {
      assert.throws(() => head(text), Http1Error, JSON.stringify(text));
    }
  });

  it("finds the end of a head, also when it came in parts", () => {
    const text = bytes("HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody");
    assert.equal(headEnd(text), text.length - 4);
    assert.equal(headEnd(text.subarray(0, 20)), -1);
    assert.equal(headEnd(text, 20), text.length - 4);
    assert.ok(MAX_HEAD_BYTES >= 16 * 1024);
  });
});

describe("ChunkedDecoder", () => {
  const body =
    "4\r\nWiki\r\n5;ext=1\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nTrailer: x\r\n\r\nNEXT";

  it("decodes a chunked body fed in parts of any size, and stops at its end", () => {
    for (const size of [1, 2, 3, 7, 1000]) {
      const decoder = new ChunkedDecoder();
      let data = "";
      let used = 0;
      const all = bytes(body);
      for (let at = 0; at < all.length && !decoder.done; at += size) {
        const part = all.subarray(at, at + size);
        const n = decoder.feed(part, (view) => data += String.fromCharCode(...view));
        used += n;
      }
      assert.equal(data, "Wikipedia in\r\n\r\nchunks.", `parts of ${size}`);
      assert.ok(decoder.done);
      assert.equal(used, body.length - "NEXT".length, `parts of ${size}`);
    }
  });

  it("refuses bad sizes, data longer than its size and lines without CRLF", () => {
    for (
      const bad of ["x\r\n", "4\r\nWikiX\r\n", "4\nWiki\r\n", "1234567890abc\r\n", "9".repeat(2000)]
    ) {
      const decoder = new ChunkedDecoder();
      assert.throws(() => decoder.feed(bytes(bad), () => {}), Http1Error, bad.slice(0, 20));
    }
  });
});
