// Scope lookup per transport (most specific wins) and signedIdentity matching.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  identityMatches,
  parsePolicy,
  policyScopes,
  requirementsFor,
} from "../../src/trust/mod.ts";
import { dockerTransport } from "../../src/transports/docker/mod.ts";
import { parseImageReference } from "../../src/transports/transport_table.ts";

describe("policy scopes", () => {
  it("lists a docker image's identity, namespaces and wildcard domains", () => {
    const ref = dockerTransport.parse("//registry.sub.example.com:5000/ns/app:1");
    assert.deepEqual(policyScopes(ref), {
      transport: "docker",
      identity: "registry.sub.example.com:5000/ns/app:1",
      namespaces: [
        "registry.sub.example.com:5000/ns/app",
        "registry.sub.example.com:5000/ns",
        "registry.sub.example.com:5000",
        "*.sub.example.com",
        "*.example.com",
        "*.com",
      ],
    });
  });

  it("uses paths for oci: and dir:, nothing for docker-archive:", () => {
    assert.deepEqual(policyScopes(parseImageReference("oci:/srv/layouts/app:v1")!), {
      transport: "oci",
      identity: "/srv/layouts/app:v1",
      namespaces: ["/srv/layouts/app", "/srv/layouts", "/srv"],
    });
    assert.deepEqual(policyScopes(parseImageReference("dir:/srv/images/one")!), {
      transport: "dir",
      identity: "/srv/images/one",
      namespaces: ["/srv/images", "/srv"],
    });
    assert.deepEqual(policyScopes(parseImageReference("docker-archive:/srv/a.tar")!), {
      transport: "docker-archive",
      identity: "",
      namespaces: [],
    });
  });

  it("picks the most specific scope, then the transport default, then the default", () => {
    const policy = parsePolicy(JSON.stringify({
      default: [{ type: "reject" }],
      transports: {
        docker: {
          "": [{ type: "insecureAcceptAnything" }],
          "example.com": [{ type: "reject" }],
          "example.com/ns": [{ type: "insecureAcceptAnything" }],
          "example.com/ns/app:1": [{ type: "reject" }],
          "*.example.org": [{ type: "reject" }],
        },
      },
    }));
    const scopeOf = (name: string) =>
      requirementsFor(policy, dockerTransport.parse(`//${name}`)).scope;
    assert.equal(scopeOf("example.com/ns/app:1"), "example.com/ns/app:1");
    assert.equal(scopeOf("example.com/ns/app:2"), "example.com/ns");
    assert.equal(scopeOf("example.com/other:1"), "example.com");
    assert.equal(scopeOf("a.b.example.org/x:1"), "*.example.org");
    assert.equal(scopeOf("quay.io/x:1"), "");
    assert.equal(requirementsFor(policy, parseImageReference("dir:/x")!).scope, "default");
  });
});

describe("identityMatches", () => {
  const image = "example.com/ns/app:1";
  const digested = `example.com/ns/app@sha256:${"a".repeat(64)}`;

  it("matchRepoDigestOrExact: exact for tags, repository for digests", () => {
    const rule = { type: "matchRepoDigestOrExact" } as const;
    assert.equal(identityMatches(rule, image, "example.com/ns/app:1"), true);
    assert.equal(identityMatches(rule, image, "example.com/ns/app:2"), false);
    assert.equal(identityMatches(rule, image, "example.com/ns/app"), false);
    assert.equal(identityMatches(rule, digested, "example.com/ns/app:anything"), true);
    assert.equal(identityMatches(rule, digested, "example.com/ns/other:1"), false);
  });

  it("matchExact refuses a digest reference signed with a tag", () => {
    const rule = { type: "matchExact" } as const;
    assert.equal(identityMatches(rule, image, "example.com/ns/app:1"), true);
    assert.equal(identityMatches(rule, digested, "example.com/ns/app:1"), false);
  });

  it("matchRepository, exactReference and exactRepository", () => {
    assert.equal(identityMatches({ type: "matchRepository" }, image, "example.com/ns/app"), true);
    assert.equal(identityMatches({ type: "matchRepository" }, image, "example.com/ns/x:1"), false);
    const exact = { type: "exactReference", dockerReference: "vendor.io/p:1" } as const;
    assert.equal(identityMatches(exact, image, "vendor.io/p:1"), true);
    assert.equal(identityMatches(exact, image, "vendor.io/p:2"), false);
    const repo = { type: "exactRepository", dockerRepository: "vendor.io/p" } as const;
    assert.equal(identityMatches(repo, undefined, "vendor.io/p:7"), true);
    assert.equal(identityMatches({ type: "matchRepository" }, undefined, "vendor.io/p:7"), false);
  });

  it("remapIdentity rewrites the prefix, on component boundaries only", () => {
    const rule = {
      type: "remapIdentity",
      prefix: "mirror:5000/vendor-mirror",
      signedPrefix: "vendor.example.com",
    } as const;
    assert.equal(
      identityMatches(
        rule,
        "mirror:5000/vendor-mirror/product/img:1",
        "vendor.example.com/product/img:1",
      ),
      true,
    );
    assert.equal(
      identityMatches(rule, "mirror:5000/vendor-mirror-x/img:1", "vendor.example.com-x/img:1"),
      false,
    );
    assert.equal(
      identityMatches(rule, "mirror:5000/other/img:1", "mirror:5000/other/img:1"),
      true,
    );
  });

  it("never matches a malformed signed identity", () => {
    assert.equal(identityMatches({ type: "matchRepository" }, image, "NOT/valid"), false);
  });
});
