import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  anySignal,
  AttemptTimeoutError,
  isTransientError,
  retryAfterMs,
} from "../../src/registry/_http.ts";
import { RegistryError } from "../../src/errors.ts";

describe("retryAfterMs", () => {
  it("reads seconds and HTTP dates", () => {
    const now = Date.UTC(2025, 5, 1, 0, 0, 0);
    assert.equal(retryAfterMs("0", now), 0);
    assert.equal(retryAfterMs(" 120 ", now), 120_000);
    assert.equal(retryAfterMs(new Date(now + 5000).toUTCString(), now), 5000);
    assert.equal(retryAfterMs(new Date(now - 5000).toUTCString(), now), 0);
  });

  it("ignores what it cannot read", () => {
    assert.equal(retryAfterMs(null, 0), undefined);
    assert.equal(retryAfterMs("soon", 0), undefined);
    assert.equal(retryAfterMs("-5", 0), undefined);
  });
});

describe("isTransientError", () => {
  it("retries network failures and timeouts", () => {
    assert.equal(isTransientError(new TypeError("fetch failed")), true);
    assert.equal(isTransientError(new AttemptTimeoutError(10)), true);
    assert.equal(isTransientError(Object.assign(new Error("x"), { code: "ECONNRESET" })), true);
    assert.equal(isTransientError(new DOMException("slow", "TimeoutError")), true);
  });

  it("does not retry our own errors, unknown errors or a caller's abort", () => {
    assert.equal(isTransientError(new RegistryError("x", 0, "no")), false);
    assert.equal(isTransientError(new Error("boom")), false);
    assert.equal(isTransientError("string"), false);
    const controller = new AbortController();
    controller.abort();
    assert.equal(isTransientError(new TypeError("fetch failed"), controller.signal), false);
  });
});

describe("anySignal", () => {
  it("passes through zero or one signal", () => {
    assert.equal(anySignal([]), undefined);
    const one = new AbortController().signal;
    assert.equal(anySignal([undefined, one]), one);
  });

  for (const native of [true, false]) {
    it(`aborts when any signal aborts (${native ? "AbortSignal.any" : "fallback"})`, () => {
      const holder = AbortSignal as unknown as { any?: unknown };
      const saved = holder.any;
      if (!native) holder.any = undefined;
      try {
        const a = new AbortController();
        const b = new AbortController();
        const both = anySignal([a.signal, b.signal])!;
        assert.equal(both.aborted, false);
        b.abort("why");
        assert.equal(both.aborted, true);
        assert.equal(both.reason, "why");
        const early = new AbortController();
        early.abort("before");
        assert.equal(anySignal([a.signal, early.signal])!.reason, "before");
      } finally {
        holder.any = saved;
      }
    });
  }
});
