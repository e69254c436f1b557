// certs.d: which directory is read for a registry, and what is taken from it.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { certsDirectories, registryTlsFiles } from "../../src/config/certs_dir.ts";
import { ConfigError } from "../../src/errors.ts";
import { memoryFs } from "./_helpers.ts";

const HOST = "registry.example:5000";
const HOME_DIR = "/home/ann/.config/containers/certs.d";
const ROOTS = certsDirectories("/home/ann");

describe("certs.d", () => {
  it("searches the user's directory, then /etc/containers, then /etc/docker", () => {
    assert.deepEqual(ROOTS, [HOME_DIR, "/etc/containers/certs.d", "/etc/docker/certs.d"]);
    assert.deepEqual(certsDirectories(undefined), [
      "/etc/containers/certs.d",
      "/etc/docker/certs.d",
    ]);
  });

  it("reads the first directory that exists for the host, and only that one", async () => {
    const fs = await memoryFs({
      [`/etc/containers/certs.d/${HOST}/a.crt`]: "CA-A",
      [`/etc/containers/certs.d/${HOST}/b.crt`]: "CA-B",
      [`/etc/docker/certs.d/${HOST}/c.crt`]: "CA-C",
      [`/etc/docker/certs.d/other:5000/d.crt`]: "CA-D",
    });
    assert.deepEqual(await registryTlsFiles(fs, HOST, { certsDirs: ROOTS }), {
      ca: ["CA-A", "CA-B"],
    });
    await fs.mkdir(`${HOME_DIR}/${HOST}`, { recursive: true });
    // The user's directory exists (empty): it wins, and holds nothing.
    assert.equal(await registryTlsFiles(fs, HOST, { certsDirs: ROOTS }), undefined);
    assert.deepEqual(await registryTlsFiles(fs, "other:5000", { certsDirs: ROOTS }), {
      ca: ["CA-D"],
    });
    assert.equal(await registryTlsFiles(fs, "none:1", { certsDirs: ROOTS }), undefined);
  });

  it("takes a client certificate and its key, by name", async () => {
    const fs = await memoryFs({
      [`${HOME_DIR}/${HOST}/ca.crt`]: "CA",
      [`${HOME_DIR}/${HOST}/client.cert`]: "CERT",
      [`${HOME_DIR}/${HOST}/client.key`]: "KEY",
      [`${HOME_DIR}/${HOST}/notes.txt`]: "ignored",
    });
    assert.deepEqual(await registryTlsFiles(fs, HOST, { certsDirs: ROOTS }), {
      ca: ["CA"],
      cert: "CERT",
      key: "KEY",
    });
  });

  it("reads --cert-dir directly, for every registry, instead of certs.d", async () => {
    const fs = await memoryFs({
      [`${HOME_DIR}/${HOST}/ca.crt`]: "CA-HOME",
      "/tmp/certs/x.cert": "CERT",
      "/tmp/certs/x.key": "KEY",
    });
    const lookup = { certDir: "/tmp/certs", certsDirs: ROOTS };
    for (const host of [HOST, "elsewhere:1"]) {
      assert.deepEqual(await registryTlsFiles(fs, host, lookup), {
        ca: [],
        cert: "CERT",
        key: "KEY",
      });
    }
    assert.equal(await registryTlsFiles(fs, HOST, { certDir: "/tmp/missing" }), undefined);
  });

  it("refuses a certificate without its key and a key without its certificate", async () => {
    const lonely = await memoryFs({ [`${HOME_DIR}/${HOST}/client.cert`]: "CERT" });
    await assert.rejects(registryTlsFiles(lonely, HOST, { certsDirs: ROOTS }), (error) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.equal(error.file, `${HOME_DIR}/${HOST}/client.cert`);
      assert.match(error.message, /missing key client\.key for client certificate client\.cert/);
      return true;
    });
    const keyOnly = await memoryFs({ [`${HOME_DIR}/${HOST}/client.key`]: "KEY" });
    await assert.rejects(registryTlsFiles(keyOnly, HOST, { certsDirs: ROOTS }), (error) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.message, /missing client certificate client\.cert for key client\.key/);
      return true;
    });
  });
});
