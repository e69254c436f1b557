/**
 * Lookaside signature storage (containers-registries.d(5)): the signatures of the image
 * `host/repo@sha256:<hex>` are `<lookaside>/repo@sha256=<hex>/signature-1`, `-2`, ...,
 * read over `file://` or `http(s)://` and written over `file://`.
 *
 * @module
 */
import { SignatureError } from "../errors.ts";
import { type FileSystem, isNotFound } from "../fs/mod.ts";
import { readLimited } from "../streams/mod.ts";

/** The largest signature read, in bytes (containers/image's limit). */
export const MAX_SIGNATURE_SIZE = 4 * 1024 * 1024;
/** The most signatures read for one image. */
export const MAX_SIGNATURES = 128;

/** What reading and writing a lookaside needs. */
export interface LookasideContext {
  /** The file system, for `file://` lookasides. */
  fs: FileSystem;
  /** The `fetch`, for `http(s)://` lookasides. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Cancels the reads. */
  signal?: AbortSignal;
}

/**
 * The URL of signature number `index` (0-based) of the manifest `digest` in the
 * repository `repoPath` (without the host) under the lookaside `base`.
 *
 * @example
 * ```ts
 * import { lookasideUrl } from "./lookaside.ts";
 * lookasideUrl("file:///srv/sigs", "ns/app", "sha256:" + "ab".repeat(32), 0);
 * // "file:///srv/sigs/ns/app@sha256=abab…/signature-1"
 * ```
 */
export function lookasideUrl(
  base: string,
  repoPath: string,
  digest: string,
  index: number,
): string {
  const [algorithm, hex] = digest.split(":");
  return `${base.replace(/\/+$/, "")}/${repoPath}@${algorithm}=${hex}/signature-${index + 1}`;
}

function filePath(url: string): string {
  return decodeURIComponent(new URL(url).pathname);
}

/**
 * Reads every signature of `digest` from the lookaside `base`: `signature-1`, `-2`, ...
 * until one is missing.
 *
 * @throws {SignatureError} when the lookaside cannot be read (an unreachable server, a
 * status other than 404), a signature is larger than 4 MiB, or there are more than 128.
 */
export async function readLookaside(
  base: string,
  repoPath: string,
  digest: string,
  context: LookasideContext,
): Promise<Uint8Array[]> {
  const scheme = new URL(base).protocol;
  if (!["file:", "http:", "https:"].includes(scheme)) {
    throw new SignatureError(base, `unsupported lookaside scheme "${scheme}"`);
  }
  const signatures: Uint8Array[] = [];
  for (let index = 0;; index++) {
    const url = lookasideUrl(base, repoPath, digest, index);
    const bytes = scheme === "file:"
      ? await readFileSignature(url, context.fs)
      : await readHttpSignature(url, context);
    if (bytes === undefined) return signatures;
    if (index >= MAX_SIGNATURES) {
      throw new SignatureError(url, `more than ${MAX_SIGNATURES} signatures`);
    }
    signatures.push(bytes);
  }
}

async function readFileSignature(url: string, fs: FileSystem): Promise<Uint8Array | undefined> {
  const path = filePath(url);
  try {
    const info = await fs.stat(path);
    if (info.size > MAX_SIGNATURE_SIZE) {
      throw new SignatureError(url, `the signature is larger than ${MAX_SIGNATURE_SIZE} bytes`);
    }
    const bytes = await fs.readFile(path);
    if (bytes.length > MAX_SIGNATURE_SIZE) {
      throw new SignatureError(url, `the signature is larger than ${MAX_SIGNATURE_SIZE} bytes`);
    }
    return bytes;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    if (error instanceof SignatureError) throw error;
    throw new SignatureError(url, (error as Error).message, { cause: error });
  }
}

async function readHttpSignature(
  url: string,
  context: LookasideContext,
): Promise<Uint8Array | undefined> {
  const fetcher = context.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await fetcher(url, { signal: context.signal, redirect: "follow" });
  } catch (error) {
    context.signal?.throwIfAborted();
    throw new SignatureError(url, `the lookaside is unreachable (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (response.status === 404) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new SignatureError(url, `the lookaside answered with status ${response.status}`);
  }
  const bytes = await readLimited(response.body, MAX_SIGNATURE_SIZE);
  if (bytes === undefined) {
    throw new SignatureError(url, `the signature is larger than ${MAX_SIGNATURE_SIZE} bytes`);
  }
  return bytes;
}

/**
 * Adds `signatures` after those already stored for `digest` in the `file://` lookaside
 * `base`; each file is written to a temporary name and renamed into place.
 *
 * @throws {SignatureError} for a lookaside that is not `file://`, or a write failure.
 */
export async function writeLookaside(
  base: string,
  repoPath: string,
  digest: string,
  signatures: readonly Uint8Array[],
  fs: FileSystem,
): Promise<string[]> {
  if (new URL(base).protocol !== "file:") {
    throw new SignatureError(base, "signatures can only be written to a file:// lookaside");
  }
  const written: string[] = [];
  let index = 0;
  for (const signature of signatures) {
    for (;; index++) {
      if (index >= MAX_SIGNATURES) {
        throw new SignatureError(base, `more than ${MAX_SIGNATURES} signatures`);
      }
      const path = filePath(lookasideUrl(base, repoPath, digest, index));
      try {
        await fs.stat(path);
      } catch (error) {
        if (!isNotFound(error)) throw error;
        break;
      }
    }
    const path = filePath(lookasideUrl(base, repoPath, digest, index));
    const dir = path.slice(0, path.lastIndexOf("/"));
    const temp = `${dir}/.signature-${index + 1}.tmp`;
    try {
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(temp, signature, { sync: true });
      await fs.rename(temp, path);
    } catch (error) {
      await fs.remove(temp).catch(() => {});
      throw new SignatureError(path, `cannot write the signature (${(error as Error).message})`, {
        cause: error,
      });
    }
    written.push(path);
    index++;
  }
  return written;
}
