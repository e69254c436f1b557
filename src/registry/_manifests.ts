/**
 * Manifest requests on one endpoint: get (verified, size-limited), head, put, delete.
 *
 * @module
 */
import { InvalidManifestError } from "../errors.ts";
import {
  guessManifestMediaType,
  MAX_MANIFEST_SIZE,
  schema1DigestPayload,
} from "../manifest/mod.ts";
import { isSchema1Type, MediaType } from "../types/mod.ts";
import { assertDigest, computeDigest, Digest, type DigestAlgorithm } from "../digest/mod.ts";
import type { Endpoint } from "./_endpoint.ts";
import { discard, type HttpResponse } from "./_http.ts";
import {
  checkRepository,
  checkTagOrDigest,
  describeRef,
  isDigestReference,
  repoScope,
} from "./_names.ts";
import type {
  CallOptions,
  FetchedManifest,
  GetManifestOptions,
  ManifestDescriptor,
} from "./types.ts";

/** Every manifest media type, best first. */
export const MANIFEST_ACCEPT: readonly string[] = [
  MediaType.OciIndex,
  MediaType.OciManifest,
  MediaType.DockerManifestList,
  MediaType.DockerManifest,
  MediaType.DockerSchema1Signed,
  MediaType.DockerSchema1,
];

const KNOWN = new Set(MANIFEST_ACCEPT);

function contentType(response: HttpResponse): string {
  return (response.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
}

/** The media type from `Content-Type` when it names a manifest, else from the bytes. */
function manifestMediaType(response: HttpResponse, bytes: Uint8Array): string {
  const declared = contentType(response);
  if (KNOWN.has(declared)) return declared;
  return guessManifestMediaType(bytes) ?? (declared || "application/octet-stream");
}

/** The digest of a manifest: over the bytes, or a signed schema 1's signed payload. */
async function manifestDigest(
  bytes: Uint8Array,
  mediaType: string,
  algorithm: DigestAlgorithm,
  what: string,
): Promise<string> {
  const covered = isSchema1Type(mediaType) ? schema1DigestPayload(bytes, what) : bytes;
  return (await computeDigest(covered, { algorithm })).toString();
}

/** Fetches a manifest by tag or digest; a digest reference is verified. */
export async function getManifest(
  endpoint: Endpoint,
  repo: string,
  reference: string,
  options: GetManifestOptions = {},
): Promise<FetchedManifest> {
  checkRepository(repo);
  checkTagOrDigest(reference);
  const what = describeRef(endpoint.registry, repo, reference);
  const { response, bytes } = await endpoint.sendAndRead(
    {
      method: "GET",
      path: `/v2/${repo}/manifests/${reference}`,
      headers: { accept: (options.accept ?? MANIFEST_ACCEPT).join(", ") },
      scopes: [repoScope(repo, "pull")],
      what,
      kind: "manifest",
      signal: options.signal,
    },
    MAX_MANIFEST_SIZE,
    () => new InvalidManifestError(what, `manifest is larger than ${MAX_MANIFEST_SIZE} bytes`),
  );
  const mediaType = manifestMediaType(response, bytes);
  const byDigest = isDigestReference(reference);
  const algorithm = byDigest ? Digest.parse(reference).algorithm : "sha256";
  const digest = await manifestDigest(bytes, mediaType, algorithm, what);
  if (byDigest) assertDigest(reference, digest, bytes.byteLength, { what });
  return { bytes, mediaType, digest };
}

/** Describes a manifest without fetching it; `undefined` when the registry has none. */
export async function headManifest(
  endpoint: Endpoint,
  repo: string,
  reference: string,
  options: GetManifestOptions = {},
): Promise<ManifestDescriptor | undefined> {
  checkRepository(repo);
  checkTagOrDigest(reference);
  const response = await endpoint.send({
    method: "HEAD",
    path: `/v2/${repo}/manifests/${reference}`,
    headers: { accept: (options.accept ?? MANIFEST_ACCEPT).join(", ") },
    scopes: [repoScope(repo, "pull")],
    what: describeRef(endpoint.registry, repo, reference),
    kind: "manifest",
    signal: options.signal,
    accept: [404],
  });
  await discard(response);
  if (response.status === 404) return undefined;
  const digest = response.headers.get("docker-content-digest") ?? "";
  const size = Number(response.headers.get("content-length") ?? "NaN");
  const mediaType = contentType(response);
  if (digest !== "" && Number.isSafeInteger(size) && KNOWN.has(mediaType)) {
    return { mediaType, digest, size };
  }
  // The registry did not say enough: fetch the manifest to learn it.
  const fetched = await getManifest(endpoint, repo, reference, options);
  return { mediaType: fetched.mediaType, digest: fetched.digest, size: fetched.bytes.byteLength };
}

/** Uploads a manifest under a tag or its digest; resolves with its digest. */
export async function putManifest(
  endpoint: Endpoint,
  repo: string,
  reference: string,
  bytes: Uint8Array,
  mediaType: string,
  options: CallOptions = {},
): Promise<string> {
  checkRepository(repo);
  checkTagOrDigest(reference);
  const what = describeRef(endpoint.registry, repo, reference);
  const byDigest = isDigestReference(reference);
  const algorithm = byDigest ? Digest.parse(reference).algorithm : "sha256";
  const digest = await manifestDigest(bytes, mediaType, algorithm, what);
  if (byDigest) assertDigest(reference, digest, bytes.byteLength, { what });
  const response = await endpoint.send({
    method: "PUT",
    path: `/v2/${repo}/manifests/${reference}`,
    headers: { "content-type": mediaType },
    body: bytes,
    scopes: [repoScope(repo, "pull,push")],
    what,
    kind: "manifest",
    signal: options.signal,
  });
  await discard(response);
  return digest;
}

/** Deletes a manifest (by digest on most registries). */
export async function deleteManifest(
  endpoint: Endpoint,
  repo: string,
  reference: string,
  options: CallOptions = {},
): Promise<void> {
  checkRepository(repo);
  checkTagOrDigest(reference);
  const response = await endpoint.send({
    method: "DELETE",
    path: `/v2/${repo}/manifests/${reference}`,
    scopes: [repoScope(repo, "delete")],
    what: describeRef(endpoint.registry, repo, reference),
    kind: "manifest",
    signal: options.signal,
  });
  await discard(response);
}
