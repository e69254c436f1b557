/**
 * The server's own error: a failure of an HTTP request itself (a bad query, a body too
 * large, a missing token), which has no meaning outside the server. Failures of the
 * library are `StevedoreError`s (`src/errors.ts`), each with its `httpStatus`; one handler
 * maps both to responses.
 *
 * @module
 */

/**
 * An HTTP failure raised by the routes themselves (bad query, body too large, ...).
 *
 * @example
 * ```ts
 * import { HttpError } from "./http_error.ts";
 * const error = new HttpError(413, "request body exceeds 1048576 bytes");
 * console.log(error.status, error.message); // 413 "request body exceeds 1048576 bytes"
 * ```
 */
export class HttpError extends Error {
  /** The status to answer with. */
  readonly status: number;

  /** Builds the error. */
  constructor(status: number, message: string) {
    super(message);
    this.name = "HttpError";
    this.status = status;
  }
}
