// `--cert-dir` and certs.d through the real command line, against the real distribution
// registry serving a certificate signed by a test CA and requiring a client certificate
// (and a password): login, pull, push and search as podman runs them.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { RegistryClient } from "../../src/registry/mod.ts";
import { createDockerTransport } from "../../src/transports/docker/mod.ts";
import { certificateAuthority, signedCertificate } from "../helpers/certificates.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { type RandomImage, randomImage } from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";
import { runCli } from "./_cli.ts";

const USER = { username: "certuser", password: "certsecret" };

describe("--cert-dir and certs.d with a registry that wants a client certificate", () => {
  let registry: RegistryServer;
  let dir: string;
  let certDir: string;
  let conf: string;
  let authfile: string;
  let image: RandomImage;

  const cli = (home: string, ...args: string[]) =>
    runCli(
      ["--root", join(dir, home, "root"), "--registries-conf", conf, ...args],
      { HOME: join(dir, home) },
    );

  /** A registry client with the files of `certDir`, to check what reached the registry. */
  const certClient = async () =>
    new RegistryClient({
      registry: registry.registry,
      credentials: USER,
      tls: {
        ca: [await readFile(join(certDir, "ca.crt"), "utf8")],
        cert: await readFile(join(certDir, "client.cert"), "utf8"),
        key: await readFile(join(certDir, "client.key"), "utf8"),
      },
    });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "stevedore-cli-certs-"));
    const authority = certificateAuthority(dir, "server-ca");
    const clientAuthority = certificateAuthority(dir, "client-ca");
    const client = signedCertificate(dir, "client", clientAuthority, "client");
    certDir = join(dir, "certs");
    await mkdir(certDir);
    await copyFile(authority.certificate, join(certDir, "ca.crt"));
    await copyFile(client.certificate, join(certDir, "client.cert"));
    await copyFile(client.key, join(certDir, "client.key"));
    registry = await startRegistry({ tls: { authority, clientAuthority }, auth: USER });
    conf = join(dir, "registries.conf");
    await writeFile(conf, "");
    authfile = join(dir, "auth.json");
    image = randomImage({ layers: 2, layerSize: 2048 });
    const memory = memoryTransport();
    memory.store.add("app", image);
    const transport = createDockerTransport({ credentials: USER });
    await copyBetween(memory.parse("app"), transport.parse(`//${registry.registry}/certs/app:1`), {
      context: { fs: new NodeFileSystem(), certDir },
    });
  });

  after(async () => {
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("logs in, pulls, pushes and searches with --cert-dir", async () => {
    const host = registry.registry;
    const common = ["--authfile", authfile, "--cert-dir", certDir, "--retry=0"];
    const login = cli(
      "a",
      "login",
      "--authfile",
      authfile,
      "--cert-dir",
      certDir,
      "-u",
      USER.username,
      "-p",
      USER.password,
      host,
    );
    assert.equal(login.code, 0, login.stderr);
    assert.equal(login.stdout, "Login Succeeded!\n");

    const pull = cli("a", "pull", ...common, `${host}/certs/app:1`);
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal(pull.stdout, `${image.config.digest.slice("sha256:".length)}\n`);

    const push = cli("a", "push", ...common, `${host}/certs/app:1`, `${host}/certs/copy:2`);
    assert.equal(push.code, 0, push.stderr);
    const client = await certClient();
    assert.equal((await client.getManifest("certs/copy", "2")).digest, image.manifest.digest);

    const search = cli(
      "a",
      "search",
      "--authfile",
      authfile,
      "--cert-dir",
      certDir,
      "--format",
      "{{.Name}}",
      `${host}/certs`,
    );
    assert.equal(search.code, 0, search.stderr);
    assert.equal(search.stdout, `${host}/certs/app\n${host}/certs/copy\n`);
  });

  it("reads certs.d in the home directory by default", async () => {
    const hostDir = join(dir, "b", ".config/containers/certs.d", registry.registry);
    await mkdir(hostDir, { recursive: true });
    for (const name of ["ca.crt", "client.cert", "client.key"]) {
      await copyFile(join(certDir, name), join(hostDir, name));
    }
    const pull = cli(
      "b",
      "pull",
      "--authfile",
      authfile,
      "--retry=0",
      `${registry.registry}/certs/app:1`,
    );
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal(pull.stdout, `${image.config.digest.slice("sha256:".length)}\n`);
  });

  it("fails naming the registry without the files", () => {
    const pull = cli(
      "c",
      "pull",
      "--authfile",
      authfile,
      "--retry=0",
      `${registry.registry}/certs/app:1`,
    );
    assert.notEqual(pull.code, 0);
    assert.ok(pull.stderr.includes(registry.registry), pull.stderr);
    const login = cli(
      "c",
      "login",
      "--authfile",
      join(dir, "c.json"),
      "-u",
      USER.username,
      "-p",
      USER.password,
      registry.registry,
    );
    assert.notEqual(login.code, 0);
    assert.ok(login.stderr.includes(registry.registry), login.stderr);
  });
  it("copy takes each side's certificates from --src-cert-dir and --dest-cert-dir", async () => {
    const host = registry.registry;
    const creds = `${USER.username}:${USER.password}`;
    const layout = join(dir, "copied-layout");
    const digestFile = join(dir, "copied.digest");
    // Without the source's files the registry cannot be reached, and nothing is written.
    const refused = cli(
      "e",
      "copy",
      "-q",
      "--src-creds",
      creds,
      `docker://${host}/certs/app:1`,
      `oci:${layout}:app`,
    );
    assert.notEqual(refused.code, 0);
    assert.ok(refused.stderr.includes(host), refused.stderr);
    await assert.rejects(readFile(join(layout, "index.json")));
    const down = cli(
      "e",
      "copy",
      "-q",
      "--src-cert-dir",
      certDir,
      "--src-creds",
      creds,
      `docker://${host}/certs/app:1`,
      `oci:${layout}:app`,
    );
    assert.equal(down.code, 0, down.stderr);
    const up = cli(
      "e",
      "copy",
      "-q",
      "--dest-cert-dir",
      certDir,
      "--dest-creds",
      creds,
      "--digestfile",
      digestFile,
      `oci:${layout}:app`,
      `docker://${host}/certs/sides:1`,
    );
    assert.equal(up.code, 0, up.stderr);
    assert.equal(await readFile(digestFile, "utf8"), image.manifest.digest);
    const client = await certClient();
    assert.equal((await client.getManifest("certs/sides", "1")).digest, image.manifest.digest);
  });
});
