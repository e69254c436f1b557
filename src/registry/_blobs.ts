/**
 * Blob reads on one endpoint: a verified stream that resumes with `Range` after a cut
 * connection or a body that stalls past the read timeout, and `HEAD`.
 *
 * @module
 */
import { RegistryError, StevedoreError } from "../errors.ts";
import { Digest } from "../digest/mod.ts";
import { DigestCheck } from "../digest/digest_verifier.ts";
import type { Endpoint } from "./_endpoint.ts";
import { AttemptTimeoutError, discard, type HttpContext, type HttpResponse } from "./_http.ts";
import { checkRepository, describeRef, repoScope } from "./_names.ts";
import type { CallOptions, GetBlobOptions } from "./types.ts";

/** A body that ended before all its bytes arrived. */
class PrematureEnd extends Error {
  constructor(read: number, total: number) {
    super(`body ended after ${read} of ${total} bytes`);
    this.name = "PrematureEnd";
  }
}

function declaredLength(response: HttpResponse): number | undefined {
  const value = Number(response.headers.get("content-length") ?? "NaN");
  return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function emptyReader(): ReadableStreamDefaultReader<Uint8Array> {
  return new ReadableStream<Uint8Array>({ start: (c) => c.close() }).getReader();
}

/** The error for a blob whose body failed for good after `resumes` resumes. */
function lostError(
  registry: string,
  what: string,
  digest: string,
  offset: number,
  resumes: number,
  error: unknown,
): RegistryError {
  const reason = error instanceof Error ? error.message : String(error);
  const tries = resumes === 0
    ? "no retry allowed"
    : `gave up after ${resumes} ${resumes === 1 ? "resume" : "resumes"}`;
  const detail = error instanceof AttemptTimeoutError && error.idle
    ? `registry ${registry} stopped sending blob ${digest} after ${offset} bytes ` +
      `(${reason}; ${tries})`
    : `connection lost after ${offset} bytes of blob ${digest} from registry ${registry}: ` +
      `${reason} (${tries})`;
  return new RegistryError(what, 0, detail, { cause: error });
}

/**
 * Streams a blob, verified against `digest` (and `options.size`) while it flows (in the
 * same stage that reads the body). A cut connection, or a body that sends nothing for the
 * read timeout, is resumed from where it stopped (`Range`), up to the retry limit.
 */
export async function getBlob(
  endpoint: Endpoint,
  ctx: HttpContext,
  repo: string,
  digest: string,
  options: GetBlobOptions = {},
): Promise<ReadableStream<Uint8Array>> {
  checkRepository(repo);
  Digest.parse(digest);
  const what = describeRef(endpoint.registry, repo, digest);
  const { signal } = options;
  const policy = ctx.retry;
  const open = (offset: number) =>
    endpoint.send({
      method: "GET",
      path: `/v2/${repo}/blobs/${digest}`,
      headers: offset > 0 ? { range: `bytes=${offset}-` } : undefined,
      scopes: [repoScope(repo, "pull")],
      what,
      kind: "blob",
      signal,
    });

  const check = new DigestCheck(digest, { size: options.size, what });
  const first = await open(0);
  const total = options.size ?? declaredLength(first);
  let reader = first.body?.getReader() ?? emptyReader();
  let offset = 0;
  let skip = 0;
  let resumes = 0;

  const reopen = async () => {
    const response = await open(offset);
    if (response.status === 206) {
      const range = /^bytes (\d+)-/.exec(response.headers.get("content-range") ?? "");
      if (range && Number(range[1]) !== offset) {
        await discard(response);
        throw new RegistryError(what, 206, `asked for bytes from ${offset}, got ${range[1]}`);
      }
      skip = 0;
    } else {
      skip = offset; // the registry ignored Range and starts over
    }
    reader = response.body?.getReader() ?? emptyReader();
  };

  const source = new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        let chunk: Uint8Array;
        try {
          const result = await reader.read();
          if (result.done) {
            if (total !== undefined && offset < total) throw new PrematureEnd(offset, total);
            check.finish();
            controller.close();
            return;
          }
          chunk = result.value;
        } catch (error) {
          reader.cancel().catch(() => {});
          if (signal?.aborted) return controller.error(signal.reason);
          if (error instanceof StevedoreError) return controller.error(error);
          if (resumes >= policy.maxRetries) {
            return controller.error(
              lostError(endpoint.registry, what, digest, offset, resumes, error),
            );
          }
          resumes++;
          try {
            await policy.sleep(policy.delayMs, signal);
            await reopen();
          } catch (reopenError) {
            return controller.error(reopenError);
          }
          continue;
        }
        if (skip > 0) {
          if (chunk.byteLength <= skip) {
            skip -= chunk.byteLength;
            continue;
          }
          chunk = chunk.subarray(skip);
          skip = 0;
        }
        offset += chunk.byteLength;
        try {
          check.update(chunk);
        } catch (error) {
          reader.cancel().catch(() => {});
          return controller.error(error);
        }
        controller.enqueue(chunk);
        return;
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return source;
}

/** The size of a blob, `-1` when the registry does not tell it, `undefined` when absent. */
export async function headBlob(
  endpoint: Endpoint,
  repo: string,
  digest: string,
  options: CallOptions = {},
): Promise<number | undefined> {
  checkRepository(repo);
  Digest.parse(digest);
  const response = await endpoint.send({
    method: "HEAD",
    path: `/v2/${repo}/blobs/${digest}`,
    scopes: [repoScope(repo, "pull")],
    what: describeRef(endpoint.registry, repo, digest),
    kind: "blob",
    signal: options.signal,
    accept: [404],
  });
  await discard(response);
  if (response.status === 404) return undefined;
  return declaredLength(response) ?? -1;
}
