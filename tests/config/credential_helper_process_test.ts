// Runs a real docker-credential-* helper (a small shell script) through the real process
// runner, so the stdin/stdout protocol itself is tested.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createCredentialHelperRunner,
  getCredentials,
  helperErase,
  helperGet,
  helperList,
  helperStore,
  removeCredentials,
  setCredentials,
} from "../../src/config/mod.ts";
import { CredentialHelperError } from "../../src/errors.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";

// Replies to `get` for two servers, records `store`/`erase` input next to itself.
const HELPER = `#!/bin/sh
dir=$(dirname "$0")
input=$(cat)
case "$1" in
  get)
    case "$input" in
      registry.example.com) printf '{"ServerURL":"%s","Username":"alice","Secret":"s3cr:et"}' "$input" ;;
      token.example.com) printf '{"ServerURL":"%s","Username":"<token>","Secret":"refresh"}' "$input" ;;
      garbage.example.com) printf 'this is not json' ;;
      *) echo "credentials not found in native keychain"; exit 1 ;;
    esac ;;
  store) printf '%s' "$input" > "$dir/stored.json" ;;
  erase)
    if [ "$input" = "registry.example.com" ]; then printf '%s' "$input" > "$dir/erased"
    else echo "credentials not found in native keychain"; exit 1; fi ;;
  list) printf '{"registry.example.com":"alice","token.example.com":"<token>"}' ;;
  *) echo "unknown action $1" >&2; exit 3 ;;
esac
`;

describe("credential helper process runner", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "stevedore-helper-"));
    await writeFile(join(dir, "docker-credential-fake"), HELPER);
    await chmod(join(dir, "docker-credential-fake"), 0o755);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("gets credentials and identity tokens", async () => {
    const run = createCredentialHelperRunner({ directory: dir });
    assert.deepEqual(await helperGet(run, "fake", "registry.example.com"), {
      username: "alice",
      password: "s3cr:et",
    });
    assert.deepEqual(await helperGet(run, "fake", "token.example.com"), {
      identityToken: "refresh",
    });
    assert.equal(await helperGet(run, "fake", "unknown.example.com"), undefined);
  });

  it("finds helpers on PATH from the given environment", async () => {
    const run = createCredentialHelperRunner({
      env: { PATH: `${dir}:/usr/bin:/bin` },
    });
    assert.deepEqual(await helperGet(run, "fake", "registry.example.com"), {
      username: "alice",
      password: "s3cr:et",
    });
  });

  it("stores, erases and lists", async () => {
    const run = createCredentialHelperRunner({ directory: dir });
    await helperStore(run, "fake", "registry.example.com", "bob", "pw");
    assert.deepEqual(JSON.parse(await readFile(join(dir, "stored.json"), "utf8")), {
      ServerURL: "registry.example.com",
      Username: "bob",
      Secret: "pw",
    });
    assert.equal(await helperErase(run, "fake", "registry.example.com"), true);
    assert.equal(await readFile(join(dir, "erased"), "utf8"), "registry.example.com");
    assert.equal(await helperErase(run, "fake", "other.example.com"), false);
    assert.deepEqual(await helperList(run, "fake"), {
      "registry.example.com": "alice",
      "token.example.com": "<token>",
    });
  });

  it("reports failures, bad output and missing helpers", async () => {
    const run = createCredentialHelperRunner({ directory: dir });
    await assert.rejects(run("fake", "frobnicate" as "get", ""), (error: unknown) => {
      assert.ok(error instanceof CredentialHelperError);
      assert.equal(error.exitCode, 3);
      assert.equal(error.output, "unknown action frobnicate");
      return true;
    });
    await assert.rejects(helperGet(run, "fake", "garbage.example.com"), (error: unknown) => {
      assert.ok(error instanceof CredentialHelperError);
      assert.match(error.message, /invalid JSON output/);
      return true;
    });
    await assert.rejects(helperGet(run, "missing", "registry.example.com"), (error: unknown) => {
      assert.ok(error instanceof CredentialHelperError);
      assert.equal(error.exitCode, undefined);
      assert.match(error.message, /docker-credential-missing/);
      return true;
    });
    await assert.rejects(helperGet(run, "../etc", "x"), TypeError);
  });

  it("serves getCredentials and login/logout through a file's credHelpers", async () => {
    const fs = new NodeFileSystem();
    const run = createCredentialHelperRunner({ directory: dir });
    const authFile = join(dir, "auth.json");
    await writeFile(
      authFile,
      JSON.stringify({ credHelpers: { "registry.example.com": "fake" }, auths: {} }),
    );
    const ctx = { fs, env: {}, homeDir: dir, uid: 1000, authFile, runCredentialHelper: run };
    assert.deepEqual(await getCredentials(ctx, "registry.example.com/team/app"), {
      username: "alice",
      password: "s3cr:et",
    });
    assert.equal(await getCredentials(ctx, "elsewhere.example.com/app"), undefined);
    const where = await setCredentials(ctx, authFile, "registry.example.com", {
      username: "carol",
      password: "pw2",
    });
    assert.equal(where, "credential helper: fake");
    assert.equal(
      JSON.parse(await readFile(join(dir, "stored.json"), "utf8")).Username,
      "carol",
    );
    assert.equal(await removeCredentials(ctx, authFile, "registry.example.com"), true);
  });
});
