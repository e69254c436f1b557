// `image trust set --type sigstoreSigned` also turns on sigstore attachments for the
// scope in registries.d, so that the policy it writes finds the signatures it requires.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { ConfigError } from "../../src/errors.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { setTrust } from "../../src/trust/set_trust.ts";
import { runCli } from "../cli/_cli.ts";
import { pushSigstoreSigned, startTrustEnv, type TrustEnv } from "./_trust_env.ts";

let env: TrustEnv;
before(async () => {
  env = await startTrustEnv();
});
after(async () => {
  await env?.stop();
});

function cli(args: string[]) {
  return runCli(["--root", join(env.dir, "cli-root"), ...args], { HOME: join(env.dir, "home") });
}

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
    const policy = join(env.dir, "broken-policy.json");
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
