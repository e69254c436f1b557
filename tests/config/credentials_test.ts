import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  authFilePaths,
  type CredentialHelperRunner,
  type CredentialsContext,
  getCredentials,
  normalizeAuthFileKey,
  primaryAuthFile,
} from "../../src/config/mod.ts";
import { ConfigError, CredentialHelperError } from "../../src/errors.ts";
import { parseNormalizedName } from "../../src/reference/mod.ts";
import { memoryFs } from "./_helpers.ts";

const HOME = "/home/ann";
const RUNTIME = "/run/user/1000/containers/auth.json";
const XDG_AUTH = `${HOME}/.config/containers/auth.json`;
const DOCKER = `${HOME}/.docker/config.json`;
const LEGACY = `${HOME}/.dockercfg`;
const ENV = { XDG_RUNTIME_DIR: "/run/user/1000" };

function basic(user: string, password: string): { auth: string } {
  return { auth: btoa(`${user}:${password}`) };
}

function authJson(auths: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ auths, ...extra });
}

async function context(
  files: Record<string, string>,
  extra: Partial<CredentialsContext> = {},
): Promise<CredentialsContext> {
  return { fs: await memoryFs(files), env: ENV, homeDir: HOME, uid: 1000, ...extra };
}

/** A fake runner over a table of server → reply; records every call. */
function fakeRunner(
  replies: Record<string, Record<string, { Username: string; Secret: string }>>,
  calls: string[] = [],
): CredentialHelperRunner {
  return (name, action, input) => {
    calls.push(`${name} ${action} ${input}`);
    const reply = replies[name]?.[input];
    if (!reply) {
      return Promise.reject(
        new CredentialHelperError(name, action, "credentials not found in native keychain", 1),
      );
    }
    return Promise.resolve(JSON.stringify({ ServerURL: input, ...reply }));
  };
}

describe("credential file paths", () => {
  it("lists auth.json, Docker config.json and .dockercfg in order", () => {
    assert.deepEqual(authFilePaths({ env: ENV, homeDir: HOME, uid: 1000 }), [
      { path: RUNTIME, legacy: false },
      { path: XDG_AUTH, legacy: false },
      { path: DOCKER, legacy: false },
      { path: LEGACY, legacy: true },
    ]);
    assert.deepEqual(
      authFilePaths({
        env: { XDG_CONFIG_HOME: "/xdg", DOCKER_CONFIG: "/dockercfg" },
        homeDir: HOME,
        uid: 1000,
      }).map((file) => file.path),
      [
        "/run/containers/1000/auth.json",
        "/xdg/containers/auth.json",
        "/dockercfg/config.json",
        LEGACY,
      ],
    );
  });

  it("an explicit file or REGISTRY_AUTH_FILE is the only one", () => {
    const env = { ...ENV, REGISTRY_AUTH_FILE: "/auth.json" };
    assert.deepEqual(authFilePaths({ env, homeDir: HOME, uid: 1000 }), [
      { path: "/auth.json", legacy: false },
    ]);
    assert.equal(primaryAuthFile({ env, homeDir: HOME, uid: 1000 }), "/auth.json");
    assert.deepEqual(
      authFilePaths({ env, homeDir: HOME, uid: 1000, authFile: "/flag.json" }),
      [{ path: "/flag.json", legacy: false }],
    );
  });

  it("normalizes keys to hosts", () => {
    assert.equal(normalizeAuthFileKey("https://index.docker.io/v1/", false), "index.docker.io");
    assert.equal(normalizeAuthFileKey("docker.io", false), "index.docker.io");
    assert.equal(normalizeAuthFileKey("http://quay.io/v2/", false), "quay.io");
    assert.equal(normalizeAuthFileKey("quay.io/ns", false), "quay.io/ns");
    assert.equal(normalizeAuthFileKey("quay.io/ns", true), "quay.io");
  });
});

describe("getCredentials", () => {
  it("prefers the most specific key", async () => {
    const ctx = await context({
      [RUNTIME]: authJson({
        "quay.io": basic("host", "h"),
        "quay.io/team": basic("namespace", "n"),
        "quay.io/team/app": basic("repo", "r"),
      }),
    });
    assert.deepEqual(await getCredentials(ctx, "quay.io/team/app"), {
      username: "repo",
      password: "r",
    });
    assert.deepEqual(await getCredentials(ctx, parseNormalizedName("quay.io/team/other:1")), {
      username: "namespace",
      password: "n",
    });
    assert.deepEqual(await getCredentials(ctx, "quay.io/elsewhere/app"), {
      username: "host",
      password: "h",
    });
    assert.equal(await getCredentials(ctx, "ghcr.io/team/app"), undefined);
  });

  it("walks the files in order and stops at the first hit", async () => {
    const ctx = await context({
      [XDG_AUTH]: authJson({ "quay.io": basic("xdg", "1") }),
      [DOCKER]: authJson({ "quay.io": basic("docker", "2"), "ghcr.io": basic("docker", "3") }),
      [LEGACY]: JSON.stringify({ "https://registry.example.com/v1/": basic("legacy", "4") }),
    });
    assert.deepEqual(await getCredentials(ctx, "quay.io/app"), {
      username: "xdg",
      password: "1",
    });
    assert.deepEqual(await getCredentials(ctx, "ghcr.io/app"), {
      username: "docker",
      password: "3",
    });
    assert.deepEqual(await getCredentials(ctx, "registry.example.com/app"), {
      username: "legacy",
      password: "4",
    });
  });

  it("matches Docker Hub's v1 URL key and http(s) keys", async () => {
    const ctx = await context({
      [DOCKER]: authJson({
        "https://index.docker.io/v1/": basic("hub", "pw"),
        "http://registry.example.com:5000/v2/": basic("old", "pw2"),
      }),
    });
    assert.deepEqual(await getCredentials(ctx, parseNormalizedName("busybox")), {
      username: "hub",
      password: "pw",
    });
    assert.deepEqual(await getCredentials(ctx, "registry.example.com:5000"), {
      username: "old",
      password: "pw2",
    });
  });

  it("returns identity tokens, and skips empty marker entries", async () => {
    const ctx = await context({
      [RUNTIME]: authJson({
        "quay.io/team": {},
        "quay.io": basic("host", "h"),
        "token.example.com": { identitytoken: "refresh-me" },
      }),
    });
    assert.deepEqual(await getCredentials(ctx, "quay.io/team/app"), {
      username: "host",
      password: "h",
    });
    assert.deepEqual(await getCredentials(ctx, "token.example.com/app"), {
      identityToken: "refresh-me",
    });
  });

  it("keeps colons in passwords and warns about an auth without one", async () => {
    const warnings: string[] = [];
    const ctx = await context({
      [RUNTIME]: authJson({
        "a.example.com": basic("user", "pa:ss"),
        "b.example.com": { auth: btoa("no-colon") },
      }),
    }, { warn: (message) => warnings.push(message) });
    assert.deepEqual(await getCredentials(ctx, "a.example.com"), {
      username: "user",
      password: "pa:ss",
    });
    assert.equal(await getCredentials(ctx, "b.example.com"), undefined);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /b\.example\.com/);
  });

  it("asks credHelpers before the auths entries of a file", async () => {
    const calls: string[] = [];
    const ctx = await context({
      [DOCKER]: authJson({ "gcr.io": basic("file", "f") }, { credHelpers: { "gcr.io": "gcloud" } }),
    }, {
      runCredentialHelper: fakeRunner({
        gcloud: { "gcr.io": { Username: "oauth2accesstoken", Secret: "tok" } },
      }, calls),
    });
    assert.deepEqual(await getCredentials(ctx, "gcr.io/project/app"), {
      username: "oauth2accesstoken",
      password: "tok",
    });
    assert.deepEqual(calls, ["gcloud get gcr.io"]);
  });

  it("treats the <token> user as an identity token", async () => {
    const ctx = await context({
      [RUNTIME]: authJson({}, { credHelpers: { "acr.example.com": "acr" } }),
    }, {
      runCredentialHelper: fakeRunner({
        acr: { "acr.example.com": { Username: "<token>", Secret: "refresh" } },
      }),
    });
    assert.deepEqual(await getCredentials(ctx, "acr.example.com/app"), {
      identityToken: "refresh",
    });
  });

  it("falls back to credsStore, using Docker Hub's v1 URL", async () => {
    const calls: string[] = [];
    const ctx = await context({
      [DOCKER]: authJson({ "https://index.docker.io/v1/": {} }, { credsStore: "desktop" }),
    }, {
      runCredentialHelper: fakeRunner({
        desktop: { "https://index.docker.io/v1/": { Username: "hub", Secret: "s" } },
      }, calls),
    });
    assert.deepEqual(await getCredentials(ctx, parseNormalizedName("alpine")), {
      username: "hub",
      password: "s",
    });
    assert.equal(await getCredentials(ctx, "quay.io/app"), undefined);
    assert.deepEqual(calls, [
      "desktop get https://index.docker.io/v1/",
      "desktop get quay.io",
    ]);
  });

  it("consults global credential helpers in order", async () => {
    const calls: string[] = [];
    const ctx = await context({
      [RUNTIME]: authJson({ "quay.io": basic("file", "f") }),
    }, {
      credentialHelpers: ["pass", "containers-auth.json"],
      runCredentialHelper: fakeRunner({
        pass: { "ghcr.io": { Username: "pass-user", Secret: "p" } },
      }, calls),
    });
    assert.deepEqual(await getCredentials(ctx, "ghcr.io/a/b"), {
      username: "pass-user",
      password: "p",
    });
    assert.deepEqual(await getCredentials(ctx, "quay.io/a/b"), {
      username: "file",
      password: "f",
    });
    assert.deepEqual(calls, ["pass get ghcr.io", "pass get quay.io"]);
  });

  it("throws a helper failure only when nothing was found", async () => {
    const failing: CredentialHelperRunner = (name, action) =>
      Promise.reject(new CredentialHelperError(name, action, "keyring locked", 1));
    const ctx = await context({
      [RUNTIME]: authJson({ "quay.io": basic("file", "f") }),
    }, { credentialHelpers: ["broken", "containers-auth.json"], runCredentialHelper: failing });
    assert.deepEqual(await getCredentials(ctx, "quay.io/app"), {
      username: "file",
      password: "f",
    });
    await assert.rejects(getCredentials(ctx, "ghcr.io/app"), (error: unknown) => {
      assert.ok(error instanceof CredentialHelperError);
      assert.match(error.message, /docker-credential-broken.*keyring locked/);
      return true;
    });
  });

  it("refuses bad keys and broken files", async () => {
    const ctx = await context({ [RUNTIME]: "{ not json" });
    await assert.rejects(getCredentials(ctx, "https://quay.io"), TypeError);
    await assert.rejects(getCredentials(ctx, "quay.io/app:1"), TypeError);
    await assert.rejects(getCredentials(ctx, "quay.io/app@sha256:00"), TypeError);
    await assert.rejects(getCredentials(ctx, "quay.io/app"), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.file, RUNTIME);
      return true;
    });
    const badBase64 = await context({ [RUNTIME]: authJson({ "quay.io": { auth: "!!!" } }) });
    await assert.rejects(getCredentials(badBase64, "quay.io"), ConfigError);
    const noRunner = await context({
      [RUNTIME]: authJson({}, { credHelpers: { "quay.io": "pass" } }),
    });
    await assert.rejects(getCredentials(noRunner, "quay.io"), TypeError);
  });
});
