import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { kernelPreference, KERNELS_ENV, preferWasm } from "../../src/wasm/_kernel_choice.ts";

describe("kernelPreference", () => {
  const saved = process.env[KERNELS_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[KERNELS_ENV];
    else process.env[KERNELS_ENV] = saved;
  });

  it("reads STEVEDORE_KERNELS", () => {
    process.env[KERNELS_ENV] = "wasm";
    assert.equal(kernelPreference(), "wasm");
    assert.equal(preferWasm(), true);
    process.env[KERNELS_ENV] = " Native ";
    assert.equal(kernelPreference(), "native");
    assert.equal(preferWasm(), false);
  });

  it("means auto when unset or unknown", () => {
    delete process.env[KERNELS_ENV];
    assert.equal(kernelPreference(), "auto");
    process.env[KERNELS_ENV] = "gpu";
    assert.equal(kernelPreference(), "auto");
    assert.equal(preferWasm(), false);
  });
});
