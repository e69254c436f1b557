import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  addShortNameAlias,
  loadRegistriesConf,
  readShortNameAliases,
  removeShortNameAlias,
  resolveLocally,
  resolveShortName,
  type ShortNameMode,
} from "../../src/config/mod.ts";
import { ConfigError, InvalidReferenceError, ShortNameError } from "../../src/errors.ts";
import type { MemoryFileSystem } from "../../src/fs/mod.ts";
import { memoryFs, USER } from "./_helpers.ts";

const CONF = "/etc/containers/registries.conf";
const ALIASES = "/home/ann/.cache/containers/short-name-aliases.conf";
const DIGEST = "sha256:" + "cd".repeat(32);

const TWO_REGISTRIES = `unqualified-search-registries = ["registry.fedoraproject.org", "docker.io"]
[aliases]
"fedora" = "registry.fedoraproject.org/fedora"
"ubi9" = "registry.access.redhat.com/ubi9"
`;

async function setup(files: Record<string, string>) {
  const fs = await memoryFs(files);
  const conf = await loadRegistriesConf({ fs, ...USER });
  return { fs, conf };
}

function names(candidates: Array<{ value: { toString(): string } }>): string[] {
  return candidates.map((candidate) => candidate.value.toString());
}

async function rejectsShortName(promise: Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ShortNameError, `expected ShortNameError, got ${error}`);
    assert.equal(error.message, message);
    return true;
  });
}

describe("resolveShortName", () => {
  it("returns a qualified name as the only candidate, with :latest", async () => {
    const { conf } = await setup({ [CONF]: TWO_REGISTRIES });
    const resolved = await resolveShortName(conf, "quay.io/podman/stable", { isTTY: false });
    assert.deepEqual(names(resolved.candidates), ["quay.io/podman/stable:latest"]);
    assert.equal(resolved.description, "");
    const local = await resolveShortName(conf, "localhost/app:1", { isTTY: false });
    assert.deepEqual(names(local.candidates), ["localhost/app:1"]);
  });

  it("uses an alias and carries the tag or digest over", async () => {
    const { conf } = await setup({ [CONF]: TWO_REGISTRIES });
    const tagged = await resolveShortName(conf, "fedora:39", { isTTY: false });
    assert.deepEqual(names(tagged.candidates), ["registry.fedoraproject.org/fedora:39"]);
    assert.equal(tagged.description, `Resolved "fedora" as an alias (${CONF})`);
    assert.equal(tagged.candidates[0].record, false);
    const digested = await resolveShortName(conf, `fedora@${DIGEST}`, { isTTY: false });
    assert.deepEqual(names(digested.candidates), [`registry.fedoraproject.org/fedora@${DIGEST}`]);
  });

  it("lets short-name-aliases.conf override registries.conf aliases", async () => {
    const { conf } = await setup({
      [CONF]: TWO_REGISTRIES,
      [ALIASES]: '[aliases]\n"fedora" = "quay.io/fedora/fedora"\n"ubi9" = ""\n',
    });
    const resolved = await resolveShortName(conf, "fedora", { isTTY: false });
    assert.deepEqual(names(resolved.candidates), ["quay.io/fedora/fedora:latest"]);
    assert.equal(resolved.description, `Resolved "fedora" as an alias (${ALIASES})`);
    // An empty machine-written alias hides the registries.conf one.
    const ubi = await resolveShortName(conf, "ubi9", { isTTY: false });
    assert.deepEqual(names(ubi.candidates), [
      "registry.fedoraproject.org/ubi9:latest",
      "docker.io/library/ubi9:latest",
    ]);
  });

  it("falls back to the search registries, :latest added", async () => {
    const { conf } = await setup({ [CONF]: TWO_REGISTRIES });
    const resolved = await resolveShortName(conf, "nginx", { isTTY: false });
    assert.deepEqual(names(resolved.candidates), [
      "registry.fedoraproject.org/nginx:latest",
      "docker.io/library/nginx:latest",
    ]);
    assert.equal(
      resolved.description,
      `Resolving "nginx" using unqualified-search registries (${CONF})`,
    );
  });

  it("fails without alias and search registries", async () => {
    const { conf } = await setup({ [CONF]: 'short-name-mode = "enforcing"' });
    await rejectsShortName(
      resolveShortName(conf, "nginx:1", { isTTY: true }),
      `short-name "nginx:1" did not resolve to an alias and no unqualified-search registries are defined in "${CONF}"`,
    );
    const { conf: none } = await setup({});
    await rejectsShortName(
      resolveShortName(none, "nginx", { isTTY: false }),
      `short-name "nginx" did not resolve to an alias and no containers-registries.conf(5) was found`,
    );
  });

  const prompt = (answer: number) => (message: string, choices: string[]) => {
    assert.equal(message, "Please select an image");
    return Promise.resolve(choices[answer]);
  };
  const modes: Array<[ShortNameMode, boolean, string]> = [
    ["disabled", false, "all"],
    ["disabled", true, "all"],
    ["permissive", false, "all"],
    ["permissive", true, "prompt"],
    ["enforcing", false, "error"],
    ["enforcing", true, "prompt"],
  ];
  for (const [mode, isTTY, outcome] of modes) {
    it(`mode ${mode} ${isTTY ? "with" : "without"} a TTY → ${outcome}`, async () => {
      const { conf } = await setup({ [CONF]: `short-name-mode = "${mode}"\n${TWO_REGISTRIES}` });
      const resolving = resolveShortName(conf, "nginx", { isTTY, prompt: prompt(1) });
      if (outcome === "error") {
        await rejectsShortName(
          resolving,
          "short-name resolution enforced but cannot prompt without a TTY",
        );
        return;
      }
      const resolved = await resolving;
      if (outcome === "all") {
        assert.equal(resolved.candidates.length, 2);
        assert.ok(resolved.candidates.every((candidate) => !candidate.record));
        assert.equal(resolved.recordAlias, undefined);
      } else {
        assert.deepEqual(names(resolved.candidates), ["docker.io/library/nginx:latest"]);
        assert.equal(resolved.candidates[0].record, true);
        assert.equal(resolved.description, "");
      }
    });
  }

  it("does not prompt for a single candidate, even when enforcing", async () => {
    const { conf } = await setup({
      [CONF]: 'short-name-mode = "enforcing"\nunqualified-search-registries = ["quay.io"]',
    });
    const resolved = await resolveShortName(conf, "podman/stable", {
      isTTY: false,
      prompt: () => Promise.reject(new Error("must not prompt")),
    });
    assert.deepEqual(names(resolved.candidates), ["quay.io/podman/stable:latest"]);
  });

  it("treats a TTY without a prompt function as no TTY", async () => {
    const { conf } = await setup({ [CONF]: `short-name-mode = "enforcing"\n${TWO_REGISTRIES}` });
    await rejectsShortName(
      resolveShortName(conf, "nginx", { isTTY: true }),
      "short-name resolution enforced but cannot prompt without a TTY",
    );
  });

  it("asks an isTTY function only when a prompt would be shown", async () => {
    const { conf } = await setup({ [CONF]: `short-name-mode = "enforcing"\n${TWO_REGISTRIES}` });
    let asked = 0;
    const isTTY = () => {
      asked++;
      return true;
    };
    // An alias, a full name and a single search registry need no prompt.
    await resolveShortName(conf, "fedora", { isTTY, prompt: prompt(0) });
    await resolveShortName(conf, "quay.io/app", { isTTY, prompt: prompt(0) });
    const single = await setup({
      [CONF]: 'short-name-mode = "enforcing"\nunqualified-search-registries = ["quay.io"]',
    });
    await resolveShortName(single.conf, "app", { isTTY, prompt: prompt(0) });
    assert.equal(asked, 0);
    const resolved = await resolveShortName(conf, "nginx", { isTTY, prompt: prompt(1) });
    assert.deepEqual(names(resolved.candidates), ["docker.io/library/nginx:latest"]);
    assert.equal(asked, 1);
    await rejectsShortName(
      resolveShortName(conf, "nginx", { isTTY: () => false, prompt: prompt(1) }),
      "short-name resolution enforced but cannot prompt without a TTY",
    );
  });

  it("a prompt that fails fails the resolution, naming the short name", async () => {
    const { conf } = await setup({ [CONF]: TWO_REGISTRIES });
    const aborted = new Error("^D (end of input)");
    await assert.rejects(
      resolveShortName(conf, "nginx:1", { isTTY: true, prompt: () => Promise.reject(aborted) }),
      (error: unknown) => {
        assert.ok(error instanceof ShortNameError);
        assert.equal(error.input, "nginx:1");
        assert.equal(error.message, 'short-name "nginx:1": no image selected: ^D (end of input)');
        assert.equal(error.cause, aborted);
        return true;
      },
    );
  });

  it("the mode option overrides the configured mode", async () => {
    const { conf } = await setup({ [CONF]: TWO_REGISTRIES });
    await rejectsShortName(
      resolveShortName(conf, "nginx", { isTTY: false, mode: "enforcing" }),
      "short-name resolution enforced but cannot prompt without a TTY",
    );
    await assert.rejects(
      resolveShortName(conf, "nginx", { isTTY: false, mode: "sometimes" as ShortNameMode }),
      TypeError,
    );
  });

  it("records the chosen candidate as an alias, atomically", async () => {
    const { fs, conf } = await setup({ [CONF]: TWO_REGISTRIES });
    const resolved = await resolveShortName(conf, "nginx:1.25", {
      isTTY: true,
      prompt: prompt(0),
      fs,
    });
    assert.deepEqual(names(resolved.candidates), ["registry.fedoraproject.org/nginx:1.25"]);
    assert.ok(resolved.recordAlias);
    await resolved.recordAlias(resolved.candidates[0].value);
    const written = await fs.readTextFile(ALIASES);
    assert.match(written, /\[aliases\]/);
    assert.match(written, /nginx = "registry.fedoraproject.org\/nginx"/);
    assert.equal((await fs.stat(ALIASES)).mode, 0o600);
    assert.deepEqual(await fs.readDir("/home/ann/.cache/containers"), [
      "short-name-aliases.conf",
    ]);
    // The recorded alias wins from now on, in this conf and in a freshly loaded one.
    const again = await resolveShortName(conf, "nginx", { isTTY: false });
    assert.deepEqual(names(again.candidates), ["registry.fedoraproject.org/nginx:latest"]);
    assert.equal(again.description, `Resolved "nginx" as an alias (${ALIASES})`);
    const reloaded = await loadRegistriesConf({ fs, ...USER });
    const fresh = await resolveShortName(reloaded, "nginx", { isTTY: false });
    assert.deepEqual(names(fresh.candidates), ["registry.fedoraproject.org/nginx:latest"]);
  });

  it("forceDockerHub ignores aliases and search registries", async () => {
    const { conf } = await setup({ [CONF]: TWO_REGISTRIES });
    const resolved = await resolveShortName(conf, "fedora", { isTTY: false, forceDockerHub: true });
    assert.deepEqual(names(resolved.candidates), ["docker.io/library/fedora:latest"]);
    assert.equal(resolved.description, `Resolving "fedora" to docker.io (enforced by caller)`);
  });

  it("rejects an invalid name", async () => {
    const { conf } = await setup({ [CONF]: TWO_REGISTRIES });
    await assert.rejects(resolveShortName(conf, "Nginx", { isTTY: false }), InvalidReferenceError);
    await assert.rejects(resolveShortName(conf, "", { isTTY: false }), InvalidReferenceError);
  });
});

describe("resolveLocally", () => {
  it("returns a qualified name with :latest, plus nothing new", async () => {
    const { conf } = await setup({ [CONF]: TWO_REGISTRIES });
    assert.deepEqual(resolveLocally(conf, "quay.io/app").map(String), ["quay.io/app:latest"]);
    assert.deepEqual(resolveLocally(conf, "docker.io/busybox").map(String), [
      "docker.io/library/busybox:latest",
    ]);
  });

  it("orders alias, localhost, search registries, then docker.io", async () => {
    const { conf } = await setup({
      [CONF]: 'unqualified-search-registries = ["quay.io"]\n[aliases]\n"app" = "example.com/app"',
    });
    assert.deepEqual(resolveLocally(conf, "app:2").map(String), [
      "example.com/app:2",
      "localhost/app:2",
      "quay.io/app:2",
      "docker.io/library/app:2",
    ]);
    assert.deepEqual(resolveLocally(conf, "app", { dockerHubFallback: false }).map(String), [
      "example.com/app:latest",
      "localhost/app:latest",
      "quay.io/app:latest",
    ]);
  });

  it("does not repeat docker.io when it is a search registry", async () => {
    const { conf } = await setup({ [CONF]: TWO_REGISTRIES });
    assert.deepEqual(resolveLocally(conf, "busybox").map(String), [
      "localhost/busybox:latest",
      "registry.fedoraproject.org/busybox:latest",
      "docker.io/library/busybox:latest",
    ]);
  });

  it("keeps digests and drops the tag only in the docker.io fallback", async () => {
    const { conf } = await setup({});
    assert.deepEqual(resolveLocally(conf, `app:1@${DIGEST}`).map(String), [
      `localhost/app:1@${DIGEST}`,
      `docker.io/library/app@${DIGEST}`,
    ]);
  });

  it("forceDockerHub gives docker.io only", async () => {
    const { conf } = await setup({ [CONF]: TWO_REGISTRIES });
    assert.deepEqual(resolveLocally(conf, "fedora", { forceDockerHub: true }).map(String), [
      "docker.io/library/fedora:latest",
    ]);
  });

  it("rejects an invalid name", async () => {
    const { conf } = await setup({});
    assert.throws(() => resolveLocally(conf, "UPPER"), InvalidReferenceError);
  });
});

describe("short-name-aliases.conf", () => {
  async function empty(): Promise<MemoryFileSystem> {
    return await memoryFs({});
  }

  it("adds, normalizes and removes aliases, keeping other entries", async () => {
    const fs = await empty();
    await addShortNameAlias(fs, ALIASES, "busybox", "docker.io/busybox");
    await addShortNameAlias(fs, ALIASES, "library/app", "quay.io/app");
    let aliases = await readShortNameAliases(fs, ALIASES);
    assert.equal(aliases.get("busybox")?.value?.toString(), "docker.io/library/busybox");
    assert.equal(aliases.get("library/app")?.file, ALIASES);
    await removeShortNameAlias(fs, ALIASES, "busybox");
    aliases = await readShortNameAliases(fs, ALIASES);
    assert.deepEqual([...aliases.keys()], ["library/app"]);
  });

  it("refuses bad names and values", async () => {
    const fs = await empty();
    const bad: Array<[string, string, RegExp]> = [
      ["quay.io/app", "quay.io/app", /must not contain registry/],
      ["app:1", "quay.io/app", /must not contain tag/],
      ["app", "quay.io/app:1", /must not contain tag/],
      ["app", `quay.io/app@${DIGEST}`, /must not contain digest/],
      ["app", "app", /must contain registry and repository/],
      ["app", "Not Valid", /parsing alias/],
    ];
    for (const [name, value, pattern] of bad) {
      await assert.rejects(addShortNameAlias(fs, ALIASES, name, value), (error: unknown) => {
        assert.ok(error instanceof ShortNameError);
        assert.match(error.message, pattern);
        return true;
      });
    }
    await assert.rejects(
      removeShortNameAlias(fs, ALIASES, "missing"),
      /short-name alias "missing" not found in/,
    );
  });

  it("a corrupted file is a ConfigError with its line", async () => {
    const fs = await memoryFs({ [ALIASES]: '[aliases]\n"a" = \n' });
    await assert.rejects(readShortNameAliases(fs, ALIASES), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.file, ALIASES);
      assert.equal(error.line, 2);
      return true;
    });
    await assert.rejects(loadRegistriesConf({ fs, ...USER }), ConfigError);
  });
});
