import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { InvalidManifestError } from "../../src/errors.ts";
import { configDiffIds, MAX_CONFIG_SIZE, parseImageConfig } from "../../src/manifest/mod.ts";
import { dg, imageConfig, json, utf8 } from "./_fixtures.ts";

const DOCKER_CONFIG =
  `{"architecture":"amd64","config":{"Hostname":"","User":"","Env":["PATH=/bin"],
"Cmd":["sh"],"Entrypoint":null,"OnBuild":null,"Labels":null,"Volumes":null,"ExposedPorts":null,
"Healthcheck":{"Test":["CMD-SHELL","true"],"Interval":1000000000}},"container":"abc",
"container_config":{"Cmd":["/bin/sh","-c","#(nop) CMD [\\"sh\\"]"],"Labels":{}},
"created":"2023-01-01T00:00:00Z","docker_version":"20.10.7","os":"linux",
"rootfs":{"type":"layers","diff_ids":["${dg("e")}"]}}`;

describe("parseImageConfig", () => {
  it("parses an OCI config and keeps its bytes", () => {
    const bytes = json(imageConfig());
    const { config, bytes: kept } = parseImageConfig(bytes);
    assert.equal(kept, bytes);
    assert.equal(config.architecture, "amd64");
    assert.deepEqual(config.config?.Cmd, ["sh"]);
    assert.deepEqual(configDiffIds(config), [dg("e"), dg("f")]);
  });

  it("parses a Docker config with nulls", () => {
    const { config } = parseImageConfig(utf8(DOCKER_CONFIG));
    assert.equal(config.config?.Entrypoint, null);
    assert.equal(config.docker_version, "20.10.7");
    assert.deepEqual(config.config?.Healthcheck?.Test, ["CMD-SHELL", "true"]);
  });

  it("accepts a config without diff IDs", () => {
    for (const rootfs of [{ type: "layers" }, { type: "layers", diff_ids: null }]) {
      const { config } = parseImageConfig(json({ ...imageConfig(), rootfs }));
      assert.deepEqual(configDiffIds(config), []);
    }
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ["no architecture", { ...imageConfig(), architecture: undefined }, /architecture is required/],
    ["no os", { ...imageConfig(), os: 1 }, /os is required/],
    ["no rootfs", { ...imageConfig(), rootfs: undefined }, /rootfs is required/],
    ["a rootfs of another type", { ...imageConfig(), rootfs: { type: "fs" } }, /rootfs.type/],
    ["a bad diff ID", {
      ...imageConfig(),
      rootfs: { type: "layers", diff_ids: ["sha256:zz"] },
    }, /diff_ids\[0\]/],
    ["diff IDs not an array", {
      ...imageConfig(),
      rootfs: { type: "layers", diff_ids: "x" },
    }, /diff_ids must be an array/],
    ["Env not strings", { ...imageConfig(), config: { Env: [1] } }, /config.Env/],
    ["Cmd a string", { ...imageConfig(), config: { Cmd: "sh" } }, /config.Cmd/],
    ["Labels not strings", { ...imageConfig(), config: { Labels: { a: 1 } } }, /config.Labels/],
    ["ExposedPorts a list", { ...imageConfig(), config: { ExposedPorts: ["80"] } }, /ExposedPorts/],
    ["User a number", { ...imageConfig(), config: { User: 0 } }, /config.User/],
    ["config a string", { ...imageConfig(), config: "x" }, /config must be an object/],
    ["history not a list", { ...imageConfig(), history: {} }, /history must be an array/],
    ["history null", { ...imageConfig(), history: null }, /history must be an array/],
    ["empty_layer not a boolean", {
      ...imageConfig(),
      history: [{ empty_layer: "yes" }],
    }, /empty_layer must be a boolean/],
    ["created a number", { ...imageConfig(), created: 5 }, /created must be a string/],
  ];
  for (const [name, doc, pattern] of bad) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => parseImageConfig(json(doc), { what: "sha256:abc" }),
        (e) =>
          e instanceof InvalidManifestError &&
          e.message.startsWith('Cannot parse manifest "sha256:abc": ') && pattern.test(e.message),
      );
    });
  }

  it("rejects what is too big or not JSON", () => {
    assert.throws(() => parseImageConfig(new Uint8Array(MAX_CONFIG_SIZE + 1)), /limit/);
    assert.throws(() => parseImageConfig(utf8("{]")), /not valid JSON/);
    assert.throws(() => parseImageConfig(utf8("[]")), /not a JSON object/);
  });
});
