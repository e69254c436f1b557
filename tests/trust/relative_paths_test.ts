// Relative oci: paths are resolved against the working directory the caller gives (the
// CLI gives its process's), so they match the policy's absolute path scopes.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import process from "node:process";
import { ImageRejectedError } from "../../src/errors.ts";
import { repoRoot, runCli } from "../cli/_cli.ts";
import { startTrustEnv, type TrustEnv } from "./_trust_env.ts";

let env: TrustEnv;
let allowed: string;
let denied: string;
let policy: string;
before(async () => {
  env = await startTrustEnv();
  await env.push("relative/app", "v1");
  const source = await env.open();
  const name = `${env.registry.registry}/relative/app:v1`;
  await source.pull(name, { tlsVerify: false });
  allowed = join(env.dir, "layouts", "allowed");
  denied = join(env.dir, "layouts", "denied");
  await source.save([name], { format: "oci-dir", output: allowed });
  await source.save([name], { format: "oci-dir", output: denied });
  policy = await env.policy({
    default: [{ type: "reject" }],
    transports: { oci: { [allowed]: [{ type: "insecureAcceptAnything" }] } },
  });
});
after(async () => {
  await env?.stop();
});

describe("relative oci: paths under a path-scoped policy", () => {
  it("the Runtime resolves them against its cwd", async () => {
    const cwd = process.cwd();
    const runtime = await env.open({ signaturePolicyPath: policy, cwd });
    const [record] = await runtime.pull(`oci:${relative(cwd, allowed)}`);
    assert.ok(record.id);
    const other = await env.open({ signaturePolicyPath: policy, cwd });
    await assert.rejects(
      other.pull(`oci:${relative(cwd, denied)}`),
      (error: unknown) =>
        error instanceof ImageRejectedError && /is rejected by policy\.$/.test(error.reason),
    );
    assert.deepEqual(await other.listImages(), []);
  });

  it("the CLI passes its working directory", () => {
    const cli = (...args: string[]) =>
      runCli(["--root", join(env.dir, `cli-${Math.random().toString(16).slice(2)}`), ...args], {
        HOME: join(env.dir, "home"),
      });
    const ok = cli("pull", "--signature-policy", policy, `oci:${relative(repoRoot, allowed)}`);
    assert.equal(ok.code, 0, ok.stderr);
    const no = cli("pull", "--signature-policy", policy, `oci:${relative(repoRoot, denied)}`);
    assert.notEqual(no.code, 0);
    assert.match(no.stderr, /rejected by policy/);
  });
});
