// `stevedore image trust set|show` and `pull --signature-policy` through the command line.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { ConfigError } from "../../src/errors.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { setTrust } from "../../src/trust/set_trust.ts";
import { pushSigstoreSigned, startTrustEnv, trustCli, type TrustEnv } from "./_trust_env.ts";

let env: TrustEnv;
before(async () => {
  env = await startTrustEnv();
});
after(async () => {
  await env?.stop();
});

const cli = (args: string[]) => trustCli(env, args);

describe("image trust", () => {
  it("sets scopes and the default, keeping the rest of the file, and shows them", async () => {
    const path = join(env.dir, "trust-policy.json");
    await writeFile(
      path,
      JSON.stringify({
        default: [{ type: "insecureAcceptAnything" }],
        transports: { dir: { "": [{ type: "insecureAcceptAnything" }] } },
      }),
    );
    const scope = `${env.registry.registry}/trusted`;
    let result = cli([
      "image",
      "trust",
      "set",
      "--policypath",
      path,
      "-f",
      env.alice.publicKeyPath,
      scope,
    ]);
    assert.equal(result.code, 0, result.stderr);
    result = cli(["image", "trust", "set", "--policypath", path, "--type", "reject", "default"]);
    assert.equal(result.code, 0, result.stderr);
    const written = JSON.parse(await readFile(path, "utf8"));
    assert.deepEqual(written, {
      default: [{ type: "reject" }],
      transports: {
        dir: { "": [{ type: "insecureAcceptAnything" }] },
        docker: {
          [scope]: [{ type: "signedBy", keyType: "GPGKeys", keyPath: env.alice.publicKeyPath }],
        },
      },
    });
    const shown = cli([
      "image",
      "trust",
      "show",
      "--policypath",
      path,
      "--registries.d",
      env.registriesD,
    ]);
    assert.equal(shown.code, 0, shown.stderr);
    const lines = shown.stdout.trimEnd().split("\n").map((l) => l.split(/\s{2,}/));
    assert.deepEqual(lines, [
      ["TRANSPORT", "NAME", "TYPE", "ID", "STORE"],
      ["all", "default", "reject"],
      ["dir", "", "accept"].filter((c) => c !== ""),
      ["repository", scope, "signed", "alice@example.com", `file://${env.lookaside}`],
    ]);
    const json = JSON.parse(
      cli([
        "image",
        "trust",
        "show",
        "--json",
        "--policypath",
        path,
        "--registries.d",
        env.registriesD,
      ]).stdout,
    );
    assert.deepEqual(json[2], {
      transport: "repository",
      name: scope,
      repo_name: scope,
      type: "signed",
      keys: [env.alice.publicKeyPath],
      gpg_id: "alice@example.com",
      sigstore: `file://${env.lookaside}`,
    });
  });

  it("refuses what podman refuses and leaves the file alone", async () => {
    const path = join(env.dir, "refuse-policy.json");
    const original = '{"default": [{"type": "reject"}]}';
    await writeFile(path, original);
    for (
      const args of [
        ["--type", "signedBy", "example.com"],
        ["--type", "accept", "-f", env.alice.publicKeyPath, "example.com"],
        ["--type", "trustme", "example.com"],
      ]
    ) {
      const result = cli(["image", "trust", "set", "--policypath", path, ...args]);
      assert.notEqual(result.code, 0, args.join(" "));
    }
    const broken = join(env.dir, "broken-policy.json");
    await writeFile(broken, '{"default": [], "x": 1}');
    const result = cli([
      "image",
      "trust",
      "set",
      "--policypath",
      broken,
      "-t",
      "accept",
      "default",
    ]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /broken-policy\.json/);
    assert.equal(await readFile(path, "utf8"), original);
    assert.equal(await readFile(broken, "utf8"), '{"default": [], "x": 1}');
  });

  it("a policy written by trust set is enforced by pull --signature-policy", async () => {
    await env.push("trusted/app", "signed");
    await env.skopeoSign("trusted/app", "signed", env.alice);
    await env.push("trusted/app", "unsigned");
    const path = join(env.dir, "enforced-policy.json");
    const scope = `${env.registry.registry}/trusted`;
    assert.equal(
      cli(["image", "trust", "set", "--policypath", path, "-t", "reject", "default"]).code,
      0,
    );
    assert.equal(
      cli(["image", "trust", "set", "--policypath", path, "-f", env.alice.publicKeyPath, scope])
        .code,
      0,
    );
    const common = [
      "--signature-policy",
      path,
      "--registries.d",
      env.registriesD,
      "--tls-verify=false",
    ];
    const ok = cli(["pull", ...common, `${scope}/app:signed`]);
    assert.equal(ok.code, 0, ok.stderr);
    const refused = cli(["pull", ...common, `${scope}/app:unsigned`]);
    assert.notEqual(refused.code, 0);
    assert.match(
      refused.stderr,
      /Source image rejected: A signature was required, but no signature exists/,
    );
  });
});

// `image trust set --type sigstoreSigned` also turns on sigstore attachments for the
// scope in registries.d, so that the policy it writes finds the signatures it requires.
describe("image trust set --type sigstoreSigned", () => {
  it("writes the registries.d entry the policy needs; pull then accepts the signed image", async () => {
    const { keyPath } = await pushSigstoreSigned(env, "sigset/app", "v1");
    await env.push("sigset/app", "unsigned");
    const policy = join(env.dir, "sigset-policy.json");
    const registriesD = join(env.dir, "sigset-registries.d");
    const scope = `${env.registry.registry}/sigset`;
    const set = (...args: string[]) =>
      cli([
        "image",
        "trust",
        "set",
        "--policypath",
        policy,
        "--registries.d",
        registriesD,
        ...args,
      ]);
    assert.equal(set("-t", "reject", "default").code, 0);
    assert.deepEqual(await readdir(registriesD).catch(() => []), [], "reject writes none");
    const result = set("--type", "sigstoreSigned", "-f", keyPath, scope);
    assert.equal(result.code, 0, result.stderr);
    const files = await readdir(registriesD);
    assert.equal(files.length, 1);
    assert.deepEqual(parse(await readFile(join(registriesD, files[0]), "utf8")), {
      docker: { [scope]: { "use-sigstore-attachments": true } },
    });
    const common = ["--signature-policy", policy, "--registries.d", registriesD];
    const ok = cli(["pull", ...common, "--tls-verify=false", `${scope}/app:v1`]);
    assert.equal(ok.code, 0, ok.stderr);
    const refused = cli(["pull", ...common, "--tls-verify=false", `${scope}/app:unsigned`]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /A signature was required, but no signature exists/);
  });

  it("edits the file that configures the scope in place, once; signedBy leaves registries.d alone", async () => {
    const fs = new NodeFileSystem();
    const dir = join(env.dir, "edit-registries.d");
    await mkdir(dir);
    const original = "# Signatures of example.com\ndocker:\n  # the namespace\n" +
      "  example.com/ns:\n    lookaside: https://sigs.example.com\n";
    await writeFile(join(dir, "example.yaml"), original);
    const policy = join(env.dir, "edit-policy.json");
    const keys = { publicKeyFiles: [join(env.dir, "any.pub")], registriesDir: dir };
    await setTrust(fs, policy, "example.com/ns", { type: "signedBy", ...keys });
    assert.equal(await readFile(join(dir, "example.yaml"), "utf8"), original);
    await setTrust(fs, policy, "example.com/ns", { type: "sigstoreSigned", ...keys });
    const edited = await readFile(join(dir, "example.yaml"), "utf8");
    assert.equal(edited, original + "    use-sigstore-attachments: true\n");
    await setTrust(fs, policy, "example.com/ns", { type: "sigstoreSigned", ...keys });
    assert.equal(await readFile(join(dir, "example.yaml"), "utf8"), edited);
    await setTrust(fs, policy, "default", { type: "sigstoreSigned", ...keys });
    assert.deepEqual((await readdir(dir)).sort(), ["default-docker.yaml", "example.yaml"]);
    assert.deepEqual(parse(await readFile(join(dir, "default-docker.yaml"), "utf8")), {
      "default-docker": { "use-sigstore-attachments": true },
    });
  });

  it("refuses an invalid registries.d and changes nothing", async () => {
    const fs = new NodeFileSystem();
    const dir = join(env.dir, "broken-registries.d");
    await mkdir(dir);
    await writeFile(join(dir, "a.yaml"), "docker:\n  example.com:\n    lookaside: https://a\n");
    await writeFile(join(dir, "b.yaml"), "docker:\n  example.com:\n    lookaside: https://b\n");
    const policy = join(env.dir, "broken-registries-policy.json");
    await assert.rejects(
      setTrust(fs, policy, "example.com", {
        type: "sigstoreSigned",
        publicKeyFiles: [join(env.dir, "any.pub")],
        registriesDir: dir,
      }),
      (error: unknown) => error instanceof ConfigError && error.file.endsWith("b.yaml"),
    );
    assert.deepEqual((await readdir(dir)).sort(), ["a.yaml", "b.yaml"]);
    await assert.rejects(readFile(policy));
  });
});
