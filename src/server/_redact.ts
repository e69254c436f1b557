/**
 * Redaction of request lines before they are logged: credentials in URLs
 * (`http://user:secret@host`, `user:secret@host`) and query parameters whose name says
 * they carry a secret (`password`, `token`, `auth`, ...) are replaced, so a log never
 * holds what a client sent to authenticate.
 *
 * @module
 */

/** What replaces a secret in a logged line. */
export const REDACTED = "REDACTED";

const SECRET_PARAM = /pass|token|secret|auth|credential|key|cookie|session/i;
const SCHEME_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi;
const BARE_USERINFO = /(^|[/=])[^/@:=\s]*:[^/@\s]*@/g;

/** `text` with the user information of every URL in it replaced. */
export function redactUserinfo(text: string): string {
  return text.replace(SCHEME_USERINFO, `$1${REDACTED}@`).replace(BARE_USERINFO, `$1${REDACTED}@`);
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The path and query of `url` as they may be logged: credentials redacted, then encoded
 * again so that no control character reaches the log.
 *
 * @example
 * ```ts
 * import { redactRequestTarget } from "./_redact.ts";
 * redactRequestTarget(new URL("http://h/images/create?fromImage=http://u:pw@r/app"));
 * // "/images/create?fromImage=http%3A%2F%2FREDACTED%40r%2Fapp"
 * ```
 */
export function redactRequestTarget(url: URL): string {
  const path = encodeURI(redactUserinfo(decoded(url.pathname)));
  if (url.search === "") return path;
  const query = new URLSearchParams();
  for (const [key, value] of url.searchParams) {
    query.append(key, SECRET_PARAM.test(key) ? REDACTED : redactUserinfo(value));
  }
  return `${path}?${query}`;
}
