import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  decidePull,
  effectivePolicy,
  isCustomPlatform,
  isPullPolicy,
  parsePullPolicy,
  remoteIsNewer,
} from "../../src/policy/mod.ts";
import { InvalidPullPolicyError } from "../../src/errors.ts";

describe("parsePullPolicy", () => {
  it("accepts the policies and aliases case-insensitively", () => {
    const table: [string, string][] = [
      ["always", "always"],
      ["Always", "always"],
      ["missing", "missing"],
      ["IfMissing", "missing"],
      ["ifnotpresent", "missing"],
      ["", "missing"],
      ["newer", "newer"],
      ["IFNEWER", "newer"],
      ["never", "never"],
    ];
    for (const [input, want] of table) assert.equal(parsePullPolicy(input), want, input);
  });

  it("rejects anything else with InvalidPullPolicyError", () => {
    for (const input of ["sometimes", " always", "true", "false", "if-missing"]) {
      assert.throws(
        () => parsePullPolicy(input),
        (e: Error) =>
          e instanceof InvalidPullPolicyError && e.message.includes("unsupported pull policy"),
      );
    }
  });

  it("isPullPolicy accepts only exact names", () => {
    assert.equal(isPullPolicy("newer"), true);
    assert.equal(isPullPolicy("ifnewer"), false);
    assert.equal(isPullPolicy(3), false);
  });
});

describe("effectivePolicy", () => {
  it("custom platform turns missing into newer", () => {
    assert.equal(effectivePolicy("missing", true), "newer");
    assert.equal(effectivePolicy("newer", true), "newer");
  });
  it("always and never survive a custom platform", () => {
    assert.equal(effectivePolicy("always", true), "always");
    assert.equal(effectivePolicy("never", true), "never");
  });
  it("without a custom platform nothing changes", () => {
    for (const p of ["always", "missing", "newer", "never"] as const) {
      assert.equal(effectivePolicy(p, false), p);
    }
  });
  it("isCustomPlatform looks at os, architecture and variant", () => {
    assert.equal(isCustomPlatform(undefined), false);
    assert.equal(isCustomPlatform({}), false);
    assert.equal(isCustomPlatform({ os: "" }), false);
    assert.equal(isCustomPlatform({ variant: "v7" }), true);
    assert.equal(isCustomPlatform({ os: "linux" }), true);
  });
});

describe("decidePull", () => {
  const none = { found: false, byId: false };
  const local = { found: true, byId: false };
  const byId = { found: true, byId: true };
  it("never: the local image or not found", () => {
    assert.equal(decidePull("never", local).action, "use-local");
    assert.equal(decidePull("never", none).action, "not-found");
  });
  it("missing: the local image when present", () => {
    assert.equal(decidePull("missing", local).action, "use-local");
    assert.equal(decidePull("missing", none).action, "pull");
  });
  it("an ID hit is used, but refused under always", () => {
    assert.equal(decidePull("always", byId).action, "id-with-always");
    assert.equal(decidePull("newer", byId).action, "use-local");
  });
  it("always and newer go to the registry", () => {
    assert.equal(decidePull("always", local).action, "pull");
    assert.equal(decidePull("newer", local).action, "pull");
    assert.equal(decidePull("always", none).action, "pull");
  });
  it("remoteIsNewer compares against every local digest", () => {
    assert.equal(remoteIsNewer("sha256:a", ["sha256:b", "sha256:a"]), false);
    assert.equal(remoteIsNewer("sha256:c", ["sha256:b"]), true);
  });
});
