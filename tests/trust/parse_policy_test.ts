// containers-policy.json(5) parsing: strict like containers/image, errors name the field.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PolicyError } from "../../src/errors.ts";
import { parsePolicy } from "../../src/trust/mod.ts";

const GOOD = {
  default: [{ type: "reject" }],
  transports: {
    docker: {
      "docker.io/openshift": [{ type: "insecureAcceptAnything" }],
      "*.temporary-project.example.com": [{ type: "insecureAcceptAnything" }],
      "hostname:5000/myns/official": [{ type: "signedBy", keyType: "GPGKeys", keyPath: "/k.gpg" }],
      "hostname:5000/vendor/product": [
        {
          type: "signedBy",
          keyType: "GPGKeys",
          keyPaths: ["/a.gpg", "/b.gpg"],
          signedIdentity: {
            type: "exactRepository",
            dockerRepository: "vendor-hostname/product/repository",
          },
        },
        { type: "signedBy", keyType: "GPGKeys", keyData: btoa("keyring") },
      ],
      "private-mirror:5000/vendor-mirror": [{
        type: "signedBy",
        keyType: "GPGKeys",
        keyPath: "/v.gpg",
        signedIdentity: {
          type: "remapIdentity",
          prefix: "private-mirror:5000/vendor-mirror",
          signedPrefix: "vendor.example.com",
        },
      }],
      "hostname:5000/myns/sigstore": [{
        type: "sigstoreSigned",
        keyPath: "/s.pub",
        signedIdentity: { type: "matchRepository" },
      }],
      "example.com/exact:1": [{
        type: "sigstoreSigned",
        keyData: btoa("pem"),
        signedIdentity: { type: "exactReference", dockerReference: "example.com/app:1" },
      }],
    },
    dir: { "": [{ type: "insecureAcceptAnything" }], "/srv/images": [{ type: "reject" }] },
    oci: { "/srv/layout:tag": [{ type: "reject" }] },
  },
};

function fails(policy: unknown, pattern: RegExp) {
  const text = typeof policy === "string" ? policy : JSON.stringify(policy);
  assert.throws(
    () => parsePolicy(text, "/etc/test-policy.json"),
    (error: unknown) =>
      error instanceof PolicyError && error.file === "/etc/test-policy.json" &&
      pattern.test(error.message),
    `expected ${pattern}`,
  );
}

describe("parsePolicy", () => {
  it("parses the man page's example shapes", () => {
    const policy = parsePolicy(JSON.stringify(GOOD), "p.json");
    assert.equal(policy.default[0].type, "reject");
    const official = policy.transports.docker["hostname:5000/myns/official"][0];
    assert.equal(official.type, "signedBy");
    assert.deepEqual(official.type === "signedBy" && official.signedIdentity, {
      type: "matchRepoDigestOrExact",
    });
    const vendor = policy.transports.docker["hostname:5000/vendor/product"];
    assert.deepEqual(vendor[0].type === "signedBy" && vendor[0].keys, {
      paths: ["/a.gpg", "/b.gpg"],
    });
    assert.deepEqual(
      vendor[1].type === "signedBy" && [...vendor[1].keys.data!],
      [...new TextEncoder().encode("keyring")],
    );
  });

  it("rejects unknown, duplicated and missing fields, naming them", () => {
    fails({ default: [{ type: "reject" }], extra: 1 }, /\.extra: unknown field/);
    fails('{"default": [{"type": "reject"}], "default": []}', /duplicate field "default"/);
    fails({ transports: {} }, /\.default: missing/);
    fails({ default: [] }, /\.default: the list of requirements is empty/);
    fails(
      { default: [{ type: "reject", keyPath: "/x" }] },
      /\.default\[0\]\.keyPath: unknown field/,
    );
    fails({ default: [{ type: "acceptAll" }] }, /unknown requirement type "acceptAll"/);
    fails(
      '{"default": [{"type": "signedBy", "keyType": "GPGKeys", "keyPath": "/a", "keyPath": "/b"}]}',
      /duplicate field "keyPath"/,
    );
  });

  it("rejects invalid requirement contents", () => {
    fails(
      { default: [{ type: "signedBy", keyType: "X509", keyPath: "/k" }] },
      /unsupported key type "X509"/,
    );
    fails(
      { default: [{ type: "signedBy", keyType: "GPGKeys" }] },
      /one of "keyPath", "keyPaths" or "keyData"/,
    );
    fails(
      { default: [{ type: "signedBy", keyType: "GPGKeys", keyPath: "/k", keyData: "AA==" }] },
      /only one of/,
    );
    fails(
      { default: [{ type: "signedBy", keyType: "GPGKeys", keyData: "not base64!" }] },
      /keyData: is not valid base64/,
    );
    fails(
      { default: [{ type: "signedBy", keyType: "GPGKeys", keyPaths: [] }] },
      /keyPaths: must be a non-empty array/,
    );
    fails({ default: [{ type: "sigstoreSigned" }] }, /exactly one of "keyPath"/);
    fails(
      { default: [{ type: "sigstoreSigned", fulcio: { caPath: "/ca" } }] },
      /"fulcio" requires one of the "rekorPublicKey\*" fields/,
    );
  });

  it("rejects invalid signed identities", () => {
    const with_ = (signedIdentity: unknown) => ({
      default: [{ type: "signedBy", keyType: "GPGKeys", keyPath: "/k", signedIdentity }],
    });
    fails(with_({ type: "matchExact", extra: 1 }), /signedIdentity\.extra: unknown field/);
    fails(
      with_({ type: "exactReference", dockerReference: "example.com/app" }),
      /contains neither a tag nor digest/,
    );
    fails(
      with_({ type: "exactReference", dockerReference: "Not A Ref" }),
      /is not a valid reference/,
    );
    fails(with_({ type: "exactRepository" }), /dockerRepository: missing/);
    fails(
      with_({ type: "remapIdentity", prefix: "bad host", signedPrefix: "example.com" }),
      /prefix: "bad host" is not a valid host/,
    );
    fails(
      with_({ type: "remapIdentity", prefix: "example.com/ns:tag", signedPrefix: "example.com" }),
      /not a fully expanded/,
    );
    fails(with_({ type: "matchEverything" }), /unknown identity type "matchEverything"/);
  });

  it("validates scopes per transport", () => {
    const scope = (transport: string, name: string) => ({
      default: [{ type: "reject" }],
      transports: { [transport]: { [name]: [{ type: "reject" }] } },
    });
    fails(scope("docker", "bad host"), /"bad host" is not a valid host\[:port\]/);
    fails(
      scope("docker", "example.com/Bad Name"),
      /"example.com\/Bad Name" is not a valid reference/,
    );
    fails(scope("docker", "example*.*.com"), /not a valid host/);
    fails(scope("docker", "*.exa*mple.com"), /not a valid wildcard/);
    fails(scope("dir", "relative/path"), /not an absolute path/);
    fails(scope("dir", "/"), /"\/" is not allowed/);
    fails(scope("oci", "/srv/../layout:tag"), /not a clean path/);
    fails(scope("docker-archive", "/srv/a.tar"), /supports no scopes but ""/);
    // Unknown transports are accepted as containers/image does.
    assert.doesNotThrow(() => parsePolicy(JSON.stringify(scope("atomic-future", "anything"))));
  });

  it("rejects documents that are not JSON objects, and non-UTF-8 bytes", () => {
    fails("[]", /must be a JSON object/);
    fails("{", /Invalid JSON/);
    assert.throws(() => parsePolicy(new Uint8Array([0x7b, 0xff, 0x7d]), "bin.json"), PolicyError);
  });
});
