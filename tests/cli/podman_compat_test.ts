// stevedore's command line next to podman's: exit codes, error words and piped progress
// for the same commands on the same images. The recorded table (_podman_table.ts) holds
// stevedore always; where podman is installed, podman runs the same commands beside it and
// must still match the table, and both pulls must print the same lines.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { randomImage } from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";
import { type CliResult, runCli } from "./_cli.ts";
import { hasPodman, podmanTestEnv, runPodman } from "./_podman.ts";
import { PULL_FRAME, RECORDED_FAILURES } from "./_podman_table.ts";

describe("the CLI next to podman", () => {
  let registry: RegistryServer;
  let dir: string;
  let env: Record<string, string>;

  const fill = (args: string[]) =>
    args.map((arg) => arg.replaceAll("{R}", registry.registry).replaceAll("{D}", dir));

  const stevedore = (args: string[]): CliResult =>
    runCli(["--root", join(dir, "stevedore"), ...fill(args)], env);

  const podman = (args: string[]): CliResult => runPodman(dir, env, fill(args));

  before(async () => {
    registry = await startRegistry();
    dir = await mkdtemp(join(tmpdir(), "stevedore-podman-"));
    env = await podmanTestEnv(dir, registry.registry);
    const memory = memoryTransport();
    memory.store.add("app:v1", randomImage({ layers: 3, layerSize: 50_000 }));
    await copyBetween(memory.parse("app:v1"), `docker://${registry.registry}/app:v1`, {
      context: { fs: new NodeFileSystem(), tlsVerify: false },
    });
  });

  after(async () => {
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The lines of a piped pull, checked against the frame; the blob lines come back sorted. */
  function pullLines(result: CliResult, who: string): string[] {
    assert.equal(result.code, 0, `${who}: ${result.stderr}`);
    const lines = result.stderr.trimEnd().split("\n");
    const head = PULL_FRAME.head.map((line) => line.replace("{R}", registry.registry));
    assert.deepEqual(lines.slice(0, head.length), head, who);
    const tail = lines.slice(-PULL_FRAME.tail.length);
    PULL_FRAME.tail.forEach((pattern, x) => assert.match(tail[x], pattern, who));
    const blobs = lines.slice(head.length, lines.length - PULL_FRAME.tail.length);
    assert.equal(blobs.length, 3, `${who}: one line a layer`);
    for (const line of blobs) assert.match(line, PULL_FRAME.blob, who);
    return [...head, ...blobs.sort(), ...tail];
  }

  it("pulls with podman's piped lines and the same image ID", () => {
    const ours = stevedore(["pull", "{R}/app:v1"]);
    const mine = pullLines(ours, "stevedore");
    if (!hasPodman) return;
    const theirs = podman(["pull", "{R}/app:v1"]);
    assert.deepEqual(mine, pullLines(theirs, "podman"));
    assert.equal(ours.stdout, theirs.stdout, "both print the image ID");
  });

  it("pulls again (podman's default policy is always) with the same lines", () => {
    const mine = pullLines(stevedore(["pull", "{R}/app:v1"]), "stevedore");
    if (!hasPodman) return;
    assert.deepEqual(mine, pullLines(podman(["pull", "{R}/app:v1"]), "podman"));
  });

  it("prints nothing, not even a header, when a search finds nothing", () => {
    const args = ["search", "--tls-verify=false", "{R}/zzz-nothing-here"];
    const ours = stevedore(args);
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(ours.stdout, "");
    if (!hasPodman) return;
    const theirs = podman(args);
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.equal(theirs.stdout, "");
  });

  for (const failure of RECORDED_FAILURES) {
    it(`${failure.name}: exit ${failure.code}`, () => {
      const ours = stevedore(failure.args);
      assert.equal(ours.code, failure.code, `stevedore: ${ours.stderr}`);
      assert.match(ours.stderr, failure.stderr, `stevedore: ${ours.stderr}`);
      if (failure.stdout) assert.match(ours.stdout, failure.stdout, "stevedore");
      if (!hasPodman) return;
      const theirs = podman(failure.args);
      assert.equal(
        theirs.code,
        failure.code,
        `podman (the table is out of date): ${theirs.stderr}`,
      );
      assert.match(
        theirs.stderr,
        failure.stderr,
        `podman (the table is out of date): ${theirs.stderr}`,
      );
      if (failure.stdout) assert.match(theirs.stdout, failure.stdout, "podman");
    });
  }
});
