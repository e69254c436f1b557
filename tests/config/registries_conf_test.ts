import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadRegistriesConf } from "../../src/config/mod.ts";
import { ConfigError } from "../../src/errors.ts";
import { memoryFs, ROOT, USER } from "./_helpers.ts";

const SYSTEM = "/etc/containers/registries.conf";
const USER_CONF = "/home/ann/.config/containers/registries.conf";

async function rejectsConfig(
  promise: Promise<unknown>,
  file: string,
  line: number | undefined,
  pattern: RegExp,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${error}`);
    assert.equal(error.file, file);
    assert.equal(error.line, line);
    assert.match(error.message, pattern);
    return true;
  });
}

describe("loadRegistriesConf: which files", () => {
  it("returns defaults when no file exists", async () => {
    const conf = await loadRegistriesConf({ fs: await memoryFs({}), ...USER });
    assert.deepEqual(conf.files, []);
    assert.deepEqual(conf.unqualifiedSearchRegistries, []);
    assert.equal(conf.unqualifiedSearchRegistriesOrigin, undefined);
    assert.equal(conf.shortNameMode, "permissive");
    assert.deepEqual(conf.credentialHelpers, ["containers-auth.json"]);
    assert.equal(
      conf.shortNameAliasesPath,
      "/home/ann/.cache/containers/short-name-aliases.conf",
    );
  });

  it("prefers the user's registries.conf over the system one", async () => {
    const fs = await memoryFs({
      [SYSTEM]: 'unqualified-search-registries = ["system.example.com"]',
      [USER_CONF]: 'unqualified-search-registries = ["user.example.com"]',
    });
    const conf = await loadRegistriesConf({ fs, ...USER });
    assert.deepEqual(conf.files, [USER_CONF]);
    assert.deepEqual(conf.unqualifiedSearchRegistries, ["user.example.com"]);
    assert.equal(conf.unqualifiedSearchRegistriesOrigin, USER_CONF);
  });

  it("honours XDG_CONFIG_HOME for the user's file", async () => {
    const fs = await memoryFs({
      "/xdg/containers/registries.conf": 'unqualified-search-registries = ["xdg.example.com"]',
      [SYSTEM]: 'unqualified-search-registries = ["system.example.com"]',
    });
    const conf = await loadRegistriesConf({ fs, ...USER, env: { XDG_CONFIG_HOME: "/xdg" } });
    assert.deepEqual(conf.unqualifiedSearchRegistries, ["xdg.example.com"]);
  });

  it("falls back to /usr/share/containers when /etc has no registries.conf", async () => {
    const fs = await memoryFs({
      "/usr/share/containers/registries.conf": 'short-name-mode = "disabled"',
    });
    const conf = await loadRegistriesConf({ fs, ...ROOT });
    assert.equal(conf.shortNameMode, "disabled");
    assert.equal(conf.shortNameAliasesPath, "/var/cache/containers/short-name-aliases.conf");
  });

  it("CONTAINERS_REGISTRIES_CONF replaces the main file; the system drop-ins still apply", async () => {
    const fs = await memoryFs({
      "/custom.conf": 'unqualified-search-registries = ["custom.example.com"]',
      [SYSTEM]: 'unqualified-search-registries = ["system.example.com"]',
      "/etc/containers/registries.conf.d/10-a.conf": 'short-name-mode = "enforcing"',
    });
    const conf = await loadRegistriesConf({
      fs,
      ...USER,
      env: { CONTAINERS_REGISTRIES_CONF: "/custom.conf" },
    });
    assert.deepEqual(conf.files, ["/custom.conf", "/etc/containers/registries.conf.d/10-a.conf"]);
    assert.deepEqual(conf.unqualifiedSearchRegistries, ["custom.example.com"]);
    assert.equal(conf.shortNameMode, "enforcing");
    const alone = await loadRegistriesConf({ fs, ...USER, path: "/custom.conf", dropInDir: "" });
    assert.deepEqual(alone.files, ["/custom.conf"]);
    assert.equal(alone.shortNameMode, "permissive");
  });

  it("an explicit path that does not exist is an error", async () => {
    const fs = await memoryFs({});
    await rejectsConfig(
      loadRegistriesConf({ fs, ...USER, path: "/missing.conf" }),
      "/missing.conf",
      undefined,
      /no such file/,
    );
    await rejectsConfig(
      loadRegistriesConf({ fs, ...USER, env: { REGISTRIES_CONFIG_PATH: "/gone.conf" } }),
      "/gone.conf",
      undefined,
      /no such file/,
    );
  });

  it("an explicit path can be given an explicit drop-in directory", async () => {
    const fs = await memoryFs({
      "/custom.conf": 'unqualified-search-registries = ["custom.example.com"]',
      "/custom.d/1.conf": 'short-name-mode = "enforcing"',
    });
    const conf = await loadRegistriesConf({
      fs,
      ...USER,
      path: "/custom.conf",
      dropInDir: "/custom.d",
    });
    assert.deepEqual(conf.files, ["/custom.conf", "/custom.d/1.conf"]);
    assert.equal(conf.shortNameMode, "enforcing");
  });

  it("CONTAINERS_REGISTRIES_CONF_OVERRIDE is applied last", async () => {
    const fs = await memoryFs({
      [SYSTEM]: 'unqualified-search-registries = ["system.example.com"]',
      "/etc/containers/registries.conf.d/99.conf":
        'unqualified-search-registries = ["dropin.example.com"]',
      "/override.conf": 'unqualified-search-registries = ["override.example.com"]',
    });
    const conf = await loadRegistriesConf({
      fs,
      ...ROOT,
      env: { CONTAINERS_REGISTRIES_CONF_OVERRIDE: "/override.conf" },
    });
    assert.deepEqual(conf.files.at(-1), "/override.conf");
    assert.deepEqual(conf.unqualifiedSearchRegistries, ["override.example.com"]);
    assert.equal(conf.unqualifiedSearchRegistriesOrigin, "/override.conf");
  });
});

describe("loadRegistriesConf: drop-ins", () => {
  it("reads *.conf drop-ins sorted by name across directories", async () => {
    const fs = await memoryFs({
      [SYSTEM]: "",
      "/etc/containers/registries.conf.d/20-b.conf": 'short-name-mode = "enforcing"',
      "/etc/containers/registries.conf.d/notes.txt": "not toml at all [[[",
      "/usr/share/containers/registries.conf.d/10-a.conf": 'short-name-mode = "disabled"',
      "/home/ann/.config/containers/registries.conf.d/30-c.conf":
        'unqualified-search-registries = ["c.example.com"]',
      "/etc/containers/registries.rootless.conf.d/15-rootless.conf":
        'unqualified-search-registries = ["rootless.example.com"]',
      "/etc/containers/registries.rootful.conf.d/16-rootful.conf":
        'unqualified-search-registries = ["rootful.example.com"]',
    });
    const conf = await loadRegistriesConf({ fs, ...USER });
    assert.deepEqual(conf.files, [
      SYSTEM,
      "/usr/share/containers/registries.conf.d/10-a.conf",
      "/etc/containers/registries.rootless.conf.d/15-rootless.conf",
      "/etc/containers/registries.conf.d/20-b.conf",
      "/home/ann/.config/containers/registries.conf.d/30-c.conf",
    ]);
    assert.equal(conf.shortNameMode, "enforcing");
    assert.deepEqual(conf.unqualifiedSearchRegistries, ["c.example.com"]);
    assert.equal(
      conf.unqualifiedSearchRegistriesOrigin,
      "/home/ann/.config/containers/registries.conf.d/30-c.conf",
    );
  });

  it("reads the per-uid rootless directory and the rootful one for root", async () => {
    const files = {
      "/etc/containers/registries.rootless.conf.d/1000/50.conf": 'short-name-mode = "disabled"',
      "/etc/containers/registries.rootful.conf.d/50.conf": 'short-name-mode = "enforcing"',
    };
    const user = await loadRegistriesConf({ fs: await memoryFs(files), ...USER });
    assert.equal(user.shortNameMode, "disabled");
    const root = await loadRegistriesConf({ fs: await memoryFs(files), ...ROOT });
    assert.equal(root.shortNameMode, "enforcing");
  });

  it("a user drop-in replaces a system drop-in of the same name", async () => {
    const fs = await memoryFs({
      "/etc/containers/registries.conf.d/50-mirrors.conf": `
[[registry]]
location = "system-only.example.com"
`,
      "/home/ann/.config/containers/registries.conf.d/50-mirrors.conf": `
[[registry]]
location = "user-only.example.com"
`,
    });
    const conf = await loadRegistriesConf({ fs, ...USER });
    assert.deepEqual(conf.files, [
      "/home/ann/.config/containers/registries.conf.d/50-mirrors.conf",
    ]);
    assert.deepEqual(conf.registries.map((registry) => registry.prefix), [
      "user-only.example.com",
    ]);
  });

  it("merges registries by prefix, later files winning, sorted by prefix", async () => {
    const fs = await memoryFs({
      [SYSTEM]: `
[[registry]]
prefix = "quay.io"
location = "quay.io"
insecure = false

[[registry]]
location = "b.example.com"
`,
      "/etc/containers/registries.conf.d/1.conf": `
[[registry]]
prefix = "quay.io"
location = "quay-mirror.example.com"
insecure = true

[[registry]]
location = "a.example.com"
`,
    });
    const conf = await loadRegistriesConf({ fs, ...ROOT });
    assert.deepEqual(conf.registries.map((registry) => registry.prefix), [
      "a.example.com",
      "b.example.com",
      "quay.io",
    ]);
    const quay = conf.registries[2];
    assert.equal(quay.location, "quay-mirror.example.com");
    assert.equal(quay.insecure, true);
    assert.equal(quay.file, "/etc/containers/registries.conf.d/1.conf");
  });

  it("keeps search registries unless a later file sets them, even to []", async () => {
    const base = 'unqualified-search-registries = ["a.example.com"]';
    const keep = await loadRegistriesConf({
      fs: await memoryFs({
        [SYSTEM]: base,
        "/etc/containers/registries.conf.d/1.conf": 'short-name-mode = "enforcing"',
      }),
      ...ROOT,
    });
    assert.deepEqual(keep.unqualifiedSearchRegistries, ["a.example.com"]);
    assert.equal(keep.unqualifiedSearchRegistriesOrigin, SYSTEM);
    const cleared = await loadRegistriesConf({
      fs: await memoryFs({
        [SYSTEM]: base,
        "/etc/containers/registries.conf.d/1.conf": "unqualified-search-registries = []",
      }),
      ...ROOT,
    });
    assert.deepEqual(cleared.unqualifiedSearchRegistries, []);
    assert.equal(
      cleared.unqualifiedSearchRegistriesOrigin,
      "/etc/containers/registries.conf.d/1.conf",
    );
  });

  it("merges aliases; a later file wins and an empty value clears", async () => {
    const fs = await memoryFs({
      [SYSTEM]: `
[aliases]
"fedora" = "registry.fedoraproject.org/fedora"
"ubi8" = "registry.access.redhat.com/ubi8"
"library/nginx" = "docker.io/library/nginx"
`,
      "/etc/containers/registries.conf.d/1.conf": `
[aliases]
"fedora" = "quay.io/fedora/fedora"
"ubi8" = ""
`,
    });
    const conf = await loadRegistriesConf({ fs, ...ROOT });
    assert.equal(conf.aliases.get("fedora")?.value?.toString(), "quay.io/fedora/fedora");
    assert.equal(conf.aliases.get("fedora")?.file, "/etc/containers/registries.conf.d/1.conf");
    assert.equal(conf.aliases.get("ubi8")?.value, undefined);
    assert.equal(conf.aliases.get("library/nginx")?.value?.toString(), "docker.io/library/nginx");
  });

  it("credential-helpers replaces the default list", async () => {
    const fs = await memoryFs({
      [SYSTEM]: 'credential-helpers = ["pass", "containers-auth.json"]',
    });
    const conf = await loadRegistriesConf({ fs, ...ROOT });
    assert.deepEqual(conf.credentialHelpers, ["pass", "containers-auth.json"]);
  });
});

describe("loadRegistriesConf: bad files", () => {
  it("reports malformed TOML with the file and line", async () => {
    const file = "/etc/containers/registries.conf.d/bad.conf";
    const fs = await memoryFs({
      [SYSTEM]: "",
      [file]: '# a comment\nshort-name-mode = "enforcing"\n[[registry]\nlocation = "x"\n',
    });
    await rejectsConfig(loadRegistriesConf({ fs, ...ROOT }), file, 3, /invalid TOML/);
  });

  it("collects unknown keys as warnings with their line", async () => {
    const messages: string[] = [];
    const fs = await memoryFs({
      [SYSTEM]: `unqualified-search-registries = ["docker.io"]
colour = "blue"

[[registry]]
location = "quay.io"
speed = 11
`,
    });
    const conf = await loadRegistriesConf({
      fs,
      ...ROOT,
      warn: (message) => messages.push(message),
    });
    assert.deepEqual(conf.warnings, [
      `Ignoring unknown key "colour" in ${SYSTEM}:2`,
      `Ignoring unknown key "registry[0].speed" in ${SYSTEM}:6`,
    ]);
    assert.deepEqual(messages, conf.warnings);
    assert.deepEqual(conf.unqualifiedSearchRegistries, ["docker.io"]);
  });

  it("refuses the v1 format", async () => {
    const fs = await memoryFs({
      [SYSTEM]: '[registries.search]\nregistries = ["docker.io"]\n',
    });
    await rejectsConfig(loadRegistriesConf({ fs, ...ROOT }), SYSTEM, 1, /v2 format but is in v1/);
  });

  const invalid: Array<[string, string, number | undefined, RegExp]> = [
    ["bad mode", 'short-name-mode = "sometimes"', 1, /invalid short-name mode: "sometimes"/],
    [
      "bad search registry",
      'unqualified-search-registries = ["quay.io/podman"]',
      1,
      /Invalid unqualified-search-registries entry "quay.io\/podman"/,
    ],
    [
      "URI scheme",
      '\n[[registry]]\nlocation = "https://quay.io"',
      2,
      /URI schemes are not supported/,
    ],
    ["no location", "\n[[registry]]\ninsecure = true", 2, /both location and prefix are unset/],
    [
      "wrong type",
      '[[registry]]\nlocation = "quay.io"\ninsecure = "yes"',
      3,
      /"insecure" must be a boolean/,
    ],
    [
      "pull-from-mirror on the registry",
      '[[registry]]\nlocation = "quay.io"\npull-from-mirror = "all"',
      3,
      /must not be set for a non-mirror registry/,
    ],
    [
      "bad pull-from-mirror",
      '[[registry]]\nlocation = "quay.io"\n[[registry.mirror]]\nlocation = "m.example.com"\npull-from-mirror = "never"',
      5,
      /unsupported pull-from-mirror value "never"/,
    ],
    [
      "mirror without location",
      '[[registry]]\nlocation = "quay.io"\n[[registry.mirror]]\ninsecure = true',
      3,
      /mirror location is unset/,
    ],
    [
      "digest-only and pull-from-mirror together",
      '[[registry]]\nlocation = "quay.io"\nmirror-by-digest-only = true\n' +
      '[[registry.mirror]]\nlocation = "m.example.com"\npull-from-mirror = "tag-only"',
      6,
      /cannot set mirror usage mirror-by-digest-only/,
    ],
    [
      "bad wildcard",
      '[[registry]]\nprefix = "*.example.com/foo"\nlocation = "x.example.com"',
      2,
      /Wildcarded prefix should be in the format/,
    ],
    [
      "conflicting insecure",
      '[[registry]]\nprefix = "a.example.com/one"\nlocation = "r.example.com"\n' +
      '[[registry]]\nprefix = "a.example.com/two"\nlocation = "r.example.com"\ninsecure = true',
      7,
      /defined multiple times with conflicting 'insecure' setting/,
    ],
    [
      "alias with a tag",
      '[aliases]\n"fedora" = "registry.fedoraproject.org/fedora:39"',
      2,
      /invalid alias .*must not contain tag/,
    ],
    [
      "alias key with a registry",
      '[aliases]\n"quay.io/fedora" = "registry.fedoraproject.org/fedora"',
      2,
      /invalid short name "quay.io\/fedora": must not contain registry/,
    ],
    [
      "alias without a registry",
      '[aliases]\n"fedora" = "fedora/fedora"',
      2,
      /must contain registry and repository/,
    ],
  ];
  for (const [name, text, line, pattern] of invalid) {
    it(`rejects ${name}`, async () => {
      const fs = await memoryFs({ [SYSTEM]: text });
      await rejectsConfig(loadRegistriesConf({ fs, ...ROOT }), SYSTEM, line, pattern);
    });
  }

  it("reports every bad alias at once", async () => {
    const fs = await memoryFs({
      [SYSTEM]: '[aliases]\n"a" = "a:1"\n"b" = "quay.io/b@sha256:' + "0".repeat(64) + '"\n',
    });
    await assert.rejects(loadRegistriesConf({ fs, ...ROOT }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /"a:1"/);
      assert.match(error.message, /must not contain digest/);
      return true;
    });
  });
});
