import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { defaultStorageRoot, shortNameAliasesPath } from "../../src/config/mod.ts";

describe("default paths", () => {
  it("puts root's store under /var/lib and a user's under XDG_DATA_HOME", () => {
    assert.equal(
      defaultStorageRoot({ env: { XDG_DATA_HOME: "/ignored" }, homeDir: "/root", uid: 0 }),
      "/var/lib/stevedore/storage",
    );
    assert.equal(
      defaultStorageRoot({ env: {}, homeDir: "/home/ann", uid: 1000 }),
      "/home/ann/.local/share/stevedore/storage",
    );
    assert.equal(
      defaultStorageRoot({ env: { XDG_DATA_HOME: "/data" }, homeDir: "/home/ann", uid: 1000 }),
      "/data/stevedore/storage",
    );
    assert.equal(
      defaultStorageRoot({ env: { XDG_DATA_HOME: "" }, homeDir: "/home/ann", uid: 1000 }),
      "/home/ann/.local/share/stevedore/storage",
    );
  });

  it("puts short-name-aliases.conf in the cache directory", () => {
    assert.equal(
      shortNameAliasesPath({ env: {}, homeDir: "/root", uid: 0 }),
      "/var/cache/containers/short-name-aliases.conf",
    );
    assert.equal(
      shortNameAliasesPath({ env: { XDG_CACHE_HOME: "/c" }, homeDir: "/home/ann", uid: 1000 }),
      "/c/containers/short-name-aliases.conf",
    );
  });
});
