/**
 * Turns registry answers and connection failures into stevedore errors.
 *
 * @module
 */
import {
  BlobUnknownError,
  DeniedError,
  ManifestUnknownError,
  RegistryError,
  StevedoreError,
  UnauthorizedError,
} from "../errors.ts";
import { AttemptTimeoutError, type HttpResponse, readLimited } from "./_http.ts";

/** What a request was about, which decides what a 404 means. */
export type ResourceKind = "manifest" | "blob" | "other";

/** One entry of a registry's `{"errors": [...]}` body. */
interface RegistryErrorEntry {
  code?: unknown;
  message?: unknown;
}

/** A registry's own description of a failure, kept as the `cause`. */
class RegistryAnswer extends Error {
  constructor(
    readonly status: number,
    readonly codes: string[],
    message: string,
    readonly messages: ReadonlyMap<string, string> = new Map(),
  ) {
    super(message);
    this.name = "RegistryAnswer";
  }
}

/**
 * A registry error code in the words podman prints (distribution's errcode: the code's
 * description, then the registry's message): "manifest unknown: manifest unknown".
 */
function podmanWords(answer: RegistryAnswer, code: string): string {
  const description = code.toLowerCase().replaceAll("_", " ");
  const message = answer.messages.get(code) ?? "";
  return message === "" ? description : `${description}: ${message}`;
}

async function describe(response: HttpResponse): Promise<RegistryAnswer> {
  let codes: string[] = [];
  const messages = new Map<string, string>();
  let text = "";
  try {
    const bytes = await readLimited(response, 64 * 1024, () => new RangeError("too large"));
    text = new TextDecoder().decode(bytes).trim();
    const body = JSON.parse(text) as { errors?: RegistryErrorEntry[] };
    if (Array.isArray(body.errors)) {
      codes = body.errors.map((e) => String(e.code ?? "")).filter((c) => c !== "");
      for (const e of body.errors) {
        if (typeof e.code === "string" && typeof e.message === "string") {
          messages.set(e.code, e.message);
        }
      }
      const parts = body.errors.map((e) =>
        [e.code, e.message].filter((x) => typeof x === "string" && x !== "").join(": ")
      );
      text = parts.filter((p) => p !== "").join("; ");
    }
  } catch {
    // not JSON (or unreadable): keep the raw text, if any
  }
  const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  const detail = text === ""
    ? `registry answered ${status}`
    : `registry answered ${status}: ${text}`;
  return new RegistryAnswer(response.status, codes, detail.slice(0, 500), messages);
}

/** Builds the error for an unsuccessful response about `what` (consumes its body). */
export async function responseError(
  response: HttpResponse,
  kind: ResourceKind,
  what: string,
): Promise<StevedoreError> {
  const answer = await describe(response);
  const has = (code: string) => answer.codes.includes(code);
  const options = { cause: answer };
  if (response.status === 401 || has("UNAUTHORIZED")) {
    return new UnauthorizedError(what, answer.message, options);
  }
  if (response.status === 403 || has("DENIED")) {
    return new DeniedError(what, answer.message, options);
  }
  if (has("MANIFEST_UNKNOWN") || (kind === "manifest" && response.status === 404)) {
    return new ManifestUnknownError(what, options, podmanWords(answer, "MANIFEST_UNKNOWN"));
  }
  if (
    has("BLOB_UNKNOWN") || has("BLOB_UPLOAD_UNKNOWN") ||
    (kind === "blob" && response.status === 404)
  ) {
    const code = has("BLOB_UPLOAD_UNKNOWN") ? "BLOB_UPLOAD_UNKNOWN" : "BLOB_UNKNOWN";
    return new BlobUnknownError(what, options, podmanWords(answer, code));
  }
  return new RegistryError(what, response.status, answer.message, options);
}

/**
 * What went wrong with a connection: the error's message, and its cause's where it adds
 * something (`fetch` fails with "fetch failed" and puts the reason, such as a certificate
 * that is not trusted, in `cause`).
 */
function failureText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : "";
  return cause === "" || error.message.includes(cause)
    ? error.message
    : `${error.message}: ${cause}`;
}

/** Builds the error for a request that got no answer at all. */
export function connectionError(error: unknown, what: string): StevedoreError {
  if (error instanceof StevedoreError) return error;
  const reason = error instanceof AttemptTimeoutError
    ? error.message
    : `connection failed: ${failureText(error)}`;
  return new RegistryError(what, 0, reason, { cause: error });
}
