// `stevedore image trust set|show` and `pull --signature-policy` through the command line.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runCli } from "../cli/_cli.ts";
import { startTrustEnv, type TrustEnv } from "./_trust_env.ts";

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
