import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { socketAddress } from "../../src/fs/socket_address.ts";

describe("socketAddress", () => {
  it("gives the bare host and the port, or the scheme's default", () => {
    const cases: [string, string, number][] = [
      ["https://registry.example/v2/", "registry.example", 443],
      ["http://registry.example/v2/", "registry.example", 80],
      ["https://127.0.0.1:5000/v2/", "127.0.0.1", 5000],
      ["http://[::1]:5000/v2/", "::1", 5000],
      ["https://[fd00::2]/v2/", "fd00::2", 443],
      ["http://localhost:80/", "localhost", 80],
    ];
    for (const [url, host, port] of cases) {
      assert.deepEqual(socketAddress(new URL(url)), { host, port }, url);
    }
  });
});
