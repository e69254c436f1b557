/**
 * Blob uploads on one endpoint: monolithic (`POST`, then `PUT` with the body), chunked
 * (`POST`, `PATCH`es with `Content-Range`, `PUT ?digest=`), and cross-repository mounts.
 *
 * @module
 */
import { RegistryError } from "../errors.ts";
import { Digest, digestVerifier, verifyDigest } from "../digest/mod.ts";
import type { Endpoint } from "./_endpoint.ts";
import { discard, type HttpResponse } from "./_http.ts";
import { checkRepository, describeRef, repoScope } from "./_names.ts";
import type { CallOptions, MountResult, PutBlobOptions } from "./types.ts";
import { FixedPieces, mapStreamErrors } from "../streams/mod.ts";

const OCTET_STREAM = "application/octet-stream";

/** An upload session: where to send the data, and the smallest chunk the registry takes. */
interface UploadSession {
  location: string;
  minChunk: number;
}

function session(endpoint: Endpoint, response: HttpResponse, what: string): UploadSession {
  const location = response.headers.get("location");
  if (!location) {
    throw new RegistryError(what, response.status, "the registry gave no upload location");
  }
  const minChunk = Number(response.headers.get("oci-chunk-min-length") ?? "0");
  return {
    location: endpoint.resolve(location),
    minChunk: Number.isSafeInteger(minChunk) && minChunk > 0 ? minChunk : 0,
  };
}

async function startUpload(
  endpoint: Endpoint,
  repo: string,
  what: string,
  signal: AbortSignal | undefined,
): Promise<UploadSession> {
  const response = await endpoint.send({
    method: "POST",
    path: `/v2/${repo}/blobs/uploads/`,
    scopes: [repoScope(repo, "pull,push")],
    what,
    kind: "other",
    signal,
  });
  await discard(response);
  return session(endpoint, response, what);
}

/** Cuts bytes or a stream into pieces of exactly `size` bytes (the last may be shorter). */
async function* pieces(
  data: Uint8Array | ReadableStream<Uint8Array>,
  size: number,
): AsyncGenerator<Uint8Array> {
  if (data instanceof Uint8Array) {
    for (let start = 0; start < data.byteLength; start += size) {
      yield data.subarray(start, start + size);
    }
    return;
  }
  const reader = data.getReader();
  const cutter = new FixedPieces(size);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield* cutter.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const rest = cutter.rest();
  if (rest !== undefined) yield rest;
}

/**
 * Uploads a blob of `size` bytes with `digest`, in one `PUT` or in `PATCH` chunks. Bytes
 * are checked before anything is sent; a stream is checked as it flows, and a mismatch
 * aborts the upload before it is committed.
 */
export async function putBlob(
  endpoint: Endpoint,
  repo: string,
  digest: string,
  size: number,
  data: Uint8Array | ReadableStream<Uint8Array>,
  options: PutBlobOptions = {},
): Promise<void> {
  checkRepository(repo);
  Digest.parse(digest); // rejects a malformed digest before anything is sent
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`Invalid blob size ${size}`);
  const chunkSize = options.chunkSize ?? 0;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 0) {
    throw new RangeError(`Invalid chunk size ${chunkSize}`);
  }
  const what = describeRef(endpoint.registry, repo, digest);
  const { signal } = options;
  let failure: unknown;
  if (data instanceof Uint8Array) {
    verifyDigest(data, digest, { size, what });
  } else {
    data = recordingErrors(
      data.pipeThrough(digestVerifier(digest, { size, what })),
      (e) => failure = e,
    );
  }
  const upload = options.location === undefined
    ? await startUpload(endpoint, repo, what, signal)
    : { location: endpoint.resolve(options.location), minChunk: 0 };
  try {
    await send(endpoint, repo, upload, data, { digest, size, chunkSize, what, signal });
  } catch (error) {
    // Best effort: drop the half-done session so the registry can forget it.
    if (!signal?.aborted) await cancelUpload(endpoint, repo, upload.location, what);
    throw failure ?? error;
  }
}

/** Passes a stream through, telling `onError` why it failed (fetch hides that). */
function recordingErrors(
  stream: ReadableStream<Uint8Array>,
  onError: (error: unknown) => void,
): ReadableStream<Uint8Array> {
  return mapStreamErrors(stream, (error) => {
    onError(error);
    return error;
  });
}

async function cancelUpload(
  endpoint: Endpoint,
  repo: string,
  location: string,
  what: string,
): Promise<void> {
  try {
    const response = await endpoint.send({
      method: "DELETE",
      path: location,
      scopes: [repoScope(repo, "pull,push")],
      what,
      kind: "other",
      accept: [400, 404, 405],
    });
    await discard(response);
  } catch {
    // the session expires on its own
  }
}

async function send(
  endpoint: Endpoint,
  repo: string,
  upload: UploadSession,
  data: Uint8Array | ReadableStream<Uint8Array>,
  blob: {
    digest: string;
    size: number;
    chunkSize: number;
    what: string;
    signal: AbortSignal | undefined;
  },
): Promise<void> {
  const { digest, size, chunkSize, what, signal } = blob;
  const scopes = [repoScope(repo, "pull,push")];
  let location = upload.location;

  if (chunkSize > 0) {
    let start = 0;
    for await (const piece of pieces(data, Math.max(chunkSize, upload.minChunk))) {
      const response = await endpoint.send({
        method: "PATCH",
        path: location,
        headers: {
          "content-type": OCTET_STREAM,
          "content-range": `${start}-${start + piece.byteLength - 1}`,
        },
        body: piece,
        scopes,
        what,
        kind: "other",
        signal,
      });
      await discard(response);
      location = session(endpoint, response, what).location;
      upload.location = location; // where a cancel must go now
      start += piece.byteLength;
    }
    data = new Uint8Array(0);
  }

  const headers: Record<string, string> = { "content-type": OCTET_STREAM };
  if (data instanceof ReadableStream) headers["content-length"] = String(size);
  const response = await endpoint.send({
    method: "PUT",
    path: location,
    query: { digest },
    headers,
    body: data,
    scopes,
    what,
    kind: "other",
    signal,
  });
  await discard(response);
}

/**
 * Asks the registry to link a blob of `fromRepo` into `repo` without uploading it. When it
 * does not, the upload session it opened instead is returned for {@linkcode putBlob}.
 */
export async function mountBlob(
  endpoint: Endpoint,
  repo: string,
  digest: string,
  fromRepo: string,
  options: CallOptions = {},
): Promise<MountResult> {
  checkRepository(repo);
  checkRepository(fromRepo);
  Digest.parse(digest);
  const what = describeRef(endpoint.registry, repo, digest);
  const response = await endpoint.send({
    method: "POST",
    path: `/v2/${repo}/blobs/uploads/`,
    query: { mount: digest, from: fromRepo },
    scopes: [repoScope(repo, "pull,push"), repoScope(fromRepo, "pull")],
    what,
    kind: "other",
    signal: options.signal,
  });
  await discard(response);
  if (response.status === 201) return { mounted: true };
  return { mounted: false, location: session(endpoint, response, what).location };
}
