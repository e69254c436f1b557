/**
 * An HTTP application as its callers see it: Web-standard `fetch(Request)` and an
 * in-process `request` for tests and embedding. The server's apps are Hono apps; this is
 * all of them the public API promises.
 *
 * @module
 */

/** An HTTP application: answers `Request`s with `Response`s. */
export interface WebApp {
  /** Answers one request (hand it to any HTTP server). */
  fetch(request: Request): Response | Promise<Response>;
  /** Answers a request for a path or URL in-process, without a socket. */
  request(input: string | URL | Request, init?: RequestInit): Response | Promise<Response>;
}
