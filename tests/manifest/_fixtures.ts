// Shared documents for the manifest tests.
import { MediaType } from "../../src/types/mod.ts";

/** A sha256 digest made of one repeated hex character (or a number, zero-padded). */
export function dg(n: number | string): string {
  const hex = typeof n === "number" ? n.toString(16).padStart(64, "0") : n.repeat(64);
  return `sha256:${hex}`;
}

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** UTF-8 bytes of a value as JSON. */
export function json(value: unknown, indent?: number): Uint8Array {
  return utf8(JSON.stringify(value, null, indent));
}

/** A Docker schema 2 manifest as Docker Hub serves it (three-space indentation). */
export const DOCKER_MANIFEST_TEXT = `{
   "schemaVersion": 2,
   "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
   "config": {
      "mediaType": "application/vnd.docker.container.image.v1+json",
      "size": 1472,
      "digest": "${dg("c")}"
   },
   "layers": [
      {
         "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
         "size": 2813316,
         "digest": "${dg("a")}"
      },
      {
         "mediaType": "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
         "size": 1024,
         "digest": "${dg("b")}",
         "urls": ["https://example.com/layer"]
      }
   ]
}`;

/** An OCI image manifest document. */
export function ociManifest(): Record<string, unknown> {
  return {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: { mediaType: MediaType.OciConfig, digest: dg("c"), size: 1472 },
    layers: [
      { mediaType: MediaType.OciLayerGzip, digest: dg("a"), size: 2813316 },
      { mediaType: MediaType.OciLayer, digest: dg("d"), size: 10240 },
    ],
    annotations: { "org.opencontainers.image.created": "2024-01-01T00:00:00Z" },
  };
}

/** An OCI index document with two platforms. */
export function ociIndex(): Record<string, unknown> {
  return {
    schemaVersion: 2,
    mediaType: MediaType.OciIndex,
    manifests: [
      {
        mediaType: MediaType.OciManifest,
        digest: dg(1),
        size: 500,
        platform: { architecture: "amd64", os: "linux" },
      },
      {
        mediaType: MediaType.OciManifest,
        digest: dg(2),
        size: 501,
        platform: { architecture: "arm64", os: "linux", variant: "v8" },
        annotations: { "org.example": "x" },
      },
    ],
  };
}

/** A Docker manifest list document. */
export function dockerList(): Record<string, unknown> {
  return {
    schemaVersion: 2,
    mediaType: MediaType.DockerManifestList,
    manifests: [
      {
        mediaType: MediaType.DockerManifest,
        size: 528,
        digest: dg(3),
        platform: { architecture: "arm", os: "linux", variant: "v7" },
      },
    ],
  };
}

/** An image configuration document. */
export function imageConfig(): Record<string, unknown> {
  return {
    created: "2024-01-01T00:00:00Z",
    architecture: "amd64",
    os: "linux",
    config: {
      Env: ["PATH=/usr/bin"],
      Cmd: ["sh"],
      Labels: { a: "b" },
      ExposedPorts: { "80/tcp": {} },
    },
    rootfs: { type: "layers", diff_ids: [dg("e"), dg("f")] },
    history: [{ created: "2024-01-01T00:00:00Z", created_by: "ADD x /" }],
  };
}
