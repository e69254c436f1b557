import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type CredentialHelperRunner,
  getCredentials,
  removeCredentials,
  setCredentials,
} from "../../src/config/mod.ts";
import { ConfigError } from "../../src/errors.ts";
import { MemoryFileSystem, NodeFileSystem } from "../../src/fs/mod.ts";

describe("setCredentials / removeCredentials on disk", () => {
  let dir = "";
  const fs = new NodeFileSystem();
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "stevedore-auth-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("creates the file and its directory with private modes, atomically", async () => {
    const path = join(dir, "new", "containers", "auth.json");
    const where = await setCredentials({ fs }, path, "quay.io", {
      username: "ann",
      password: "pä:ss",
    });
    assert.equal(where, path);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, "new", "containers"))).mode & 0o777, 0o700);
    assert.deepEqual(await readdir(join(dir, "new", "containers")), ["auth.json"]);
    const ctx = { fs, env: {}, homeDir: dir, uid: 1000, authFile: path };
    assert.deepEqual(await getCredentials(ctx, "quay.io/ann/app"), {
      username: "ann",
      password: "pä:ss",
    });
  });

  it("keeps unknown fields and other entries, and resets a looser mode", async () => {
    const path = join(dir, "config.json");
    await writeFile(
      path,
      JSON.stringify({
        auths: { "ghcr.io": { auth: btoa("x:y"), email: "x@example.com" } },
        credHelpers: {},
        psFormat: "table {{.ID}}",
        proxies: { default: { httpProxy: "http://proxy:3128" } },
      }),
      { mode: 0o644 },
    );
    await setCredentials({ fs }, path, "quay.io/team", { identityToken: "tok" });
    const data = JSON.parse(await readFile(path, "utf8"));
    assert.equal(data.psFormat, "table {{.ID}}");
    assert.deepEqual(data.proxies, { default: { httpProxy: "http://proxy:3128" } });
    assert.deepEqual(data.auths["ghcr.io"], { auth: btoa("x:y"), email: "x@example.com" });
    assert.deepEqual(data.auths["quay.io/team"], { identitytoken: "tok" });
    assert.equal((await stat(path)).mode & 0o777, 0o600);

    assert.equal(await removeCredentials({ fs }, path, "quay.io/team"), true);
    assert.equal(await removeCredentials({ fs }, path, "quay.io/team"), false);
    const after = JSON.parse(await readFile(path, "utf8"));
    assert.deepEqual(Object.keys(after.auths), ["ghcr.io"]);
    assert.equal(after.psFormat, "table {{.ID}}");
  });

  it("logout from docker.io removes Docker's v1 URL entry too", async () => {
    const path = join(dir, "hub.json");
    await writeFile(
      path,
      JSON.stringify({
        auths: {
          "https://index.docker.io/v1/": { auth: btoa("a:b") },
          "docker.io/team": { auth: btoa("c:d") },
        },
      }),
    );
    assert.equal(await removeCredentials({ fs }, path, "docker.io"), true);
    const data = JSON.parse(await readFile(path, "utf8"));
    assert.deepEqual(Object.keys(data.auths), ["docker.io/team"]);
  });

  it("a missing file has nothing to remove", async () => {
    assert.equal(await removeCredentials({ fs }, join(dir, "absent.json"), "quay.io"), false);
  });
});

describe("credential writes: bad input", () => {
  it("refuses bad keys and unusable files, writing nothing", async () => {
    const fs = new MemoryFileSystem();
    const creds = { username: "u", password: "p" };
    await assert.rejects(setCredentials({ fs }, "/a.json", "https://quay.io", creds), TypeError);
    await assert.rejects(setCredentials({ fs }, "/a.json", "quay.io/app:1", creds), TypeError);
    await assert.rejects(removeCredentials({ fs }, "/a.json", "quay.io@x"), TypeError);
    await fs.writeFile("/b.json", "[1, 2]");
    await assert.rejects(setCredentials({ fs }, "/b.json", "quay.io", creds), ConfigError);
    await fs.writeFile("/c.json", '{"auths": "nope"}');
    await assert.rejects(setCredentials({ fs }, "/c.json", "quay.io", creds), ConfigError);
    assert.deepEqual(await fs.readDir("/"), ["b.json", "c.json"]);
  });

  it("refuses a namespaced key for a credential helper", async () => {
    const fs = new MemoryFileSystem();
    const calls: string[] = [];
    const run: CredentialHelperRunner = (name, action, input) => {
      calls.push(`${name} ${action} ${input}`);
      return Promise.resolve("");
    };
    await fs.writeFile("/a.json", JSON.stringify({ credHelpers: { "quay.io/team": "pass" } }));
    await assert.rejects(
      setCredentials({ fs, runCredentialHelper: run }, "/a.json", "quay.io/team", {
        username: "u",
        password: "p",
      }),
      TypeError,
    );
    assert.deepEqual(calls, []);
  });
});
