import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseAuthChallenges } from "../../src/registry/mod.ts";

describe("parseAuthChallenges", () => {
  it("parses a Bearer challenge with quoted parameters holding commas", () => {
    const [challenge, ...rest] = parseAuthChallenges(
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",' +
        'scope="repository:samalba/my-app:pull,push"',
    );
    assert.equal(rest.length, 0);
    assert.deepEqual(challenge, {
      scheme: "bearer",
      params: {
        realm: "https://auth.docker.io/token",
        service: "registry.docker.io",
        scope: "repository:samalba/my-app:pull,push",
      },
    });
  });

  it("parses several challenges, spaces around '=' and escapes", () => {
    const challenges = parseAuthChallenges(
      'Basic realm="a \\"quoted\\" realm", Bearer Realm = "https://x/token" , error=insufficient_scope',
    );
    assert.deepEqual(challenges, [
      { scheme: "basic", params: { realm: 'a "quoted" realm' } },
      { scheme: "bearer", params: { realm: "https://x/token", error: "insufficient_scope" } },
    ]);
  });

  it("accepts a scheme without parameters and lower-cases schemes", () => {
    assert.deepEqual(parseAuthChallenges("NEGOTIATE"), [{ scheme: "negotiate", params: {} }]);
  });

  it("gives nothing for an empty or missing header", () => {
    assert.deepEqual(parseAuthChallenges(null), []);
    assert.deepEqual(parseAuthChallenges(""), []);
    assert.deepEqual(parseAuthChallenges(" , ,"), []);
  });

  it("survives garbage without looping", () => {
    const challenges = parseAuthChallenges('=== "unterminated , Bearer realm="r');
    assert.ok(challenges.some((c) => c.scheme === "bearer" && c.params.realm === "r"));
  });
});
