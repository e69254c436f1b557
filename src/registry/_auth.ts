/**
 * Answers a registry's authentication challenges for one endpoint: Basic credentials, and
 * Bearer tokens (anonymous, with Basic credentials, or by an OAuth2 refresh-token grant),
 * cached per set of scopes until they expire.
 *
 * @module
 */
import { RegistryError, UnauthorizedError } from "../errors.ts";
import type { AuthChallenge } from "./auth_challenge.ts";
import {
  fetchOnce,
  type HttpContext,
  type HttpResponse,
  readLimited,
  withRetries,
} from "./_http.ts";
import { connectionError } from "./_errors.ts";
import type { Credentials } from "./types.ts";

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** The token lifetime the distribution spec assumes when `expires_in` is missing. */
const DEFAULT_TOKEN_SECONDS = 60;
/** The OAuth2 client id sent with refresh-token grants. */
const CLIENT_ID = "stevedore";

function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function scopeKey(scopes: readonly string[]): string {
  return [...new Set(scopes)].sort().join(" ");
}

/** Holds the current challenge and the tokens of one registry endpoint. */
export class Authenticator {
  readonly #ctx: HttpContext;
  readonly #registry: string;
  readonly #lookup: () => Promise<Credentials | undefined>;
  #credentials: Promise<Credentials | undefined> | undefined;
  #challenge: AuthChallenge | undefined;
  readonly #tokens = new Map<string, CachedToken>();
  readonly #pending = new Map<string, Promise<CachedToken>>();

  constructor(
    ctx: HttpContext,
    registry: string,
    lookup: () => Promise<Credentials | undefined>,
  ) {
    this.#ctx = ctx;
    this.#registry = registry;
    this.#lookup = lookup;
  }

  /** Adopts the best of `challenges` (Bearer before Basic); unknown schemes are ignored. */
  setChallenges(challenges: readonly AuthChallenge[]): void {
    const chosen = challenges.find((c) => c.scheme === "bearer") ??
      challenges.find((c) => c.scheme === "basic");
    if (chosen) this.#challenge = chosen;
  }

  #creds(): Promise<Credentials | undefined> {
    this.#credentials ??= this.#lookup();
    return this.#credentials;
  }

  /** The `Authorization` header value for a request needing `scopes`, if any. */
  async authorization(
    scopes: readonly string[],
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    const challenge = this.#challenge;
    if (challenge === undefined) return undefined;
    if (challenge.scheme === "basic") {
      const creds = await this.#creds();
      if (creds && "username" in creds) {
        return `Basic ${base64(`${creds.username}:${creds.password}`)}`;
      }
      return undefined;
    }
    return `Bearer ${(await this.#token(scopes, signal)).token}`;
  }

  /**
   * Reacts to a 401 answering a request sent with `sent`: adopts the new challenges and
   * tells which scopes to ask for on one more try, or `undefined` when trying again cannot
   * help (no challenge, or Basic credentials already refused or missing).
   */
  async renew(
    challenges: readonly AuthChallenge[],
    sent: string | undefined,
    scopes: readonly string[],
  ): Promise<string[] | undefined> {
    if (challenges.length === 0) return undefined;
    this.setChallenges(challenges);
    const challenge = this.#challenge;
    if (challenge?.scheme === "bearer") {
      const wanted = [...scopes];
      const extra = challenge.params.scope;
      if (extra) wanted.push(...extra.split(" ").filter((s) => s !== ""));
      this.#tokens.delete(scopeKey(scopes));
      this.#tokens.delete(scopeKey(wanted));
      return wanted;
    }
    if (challenge?.scheme === "basic" && sent === undefined) {
      const creds = await this.#creds();
      return creds && "username" in creds ? [...scopes] : undefined;
    }
    return undefined;
  }

  #token(scopes: readonly string[], signal?: AbortSignal): Promise<CachedToken> {
    const key = scopeKey(scopes);
    const cached = this.#tokens.get(key);
    if (cached && cached.expiresAt > this.#ctx.retry.now()) return Promise.resolve(cached);
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = this.#requestToken(key === "" ? [] : key.split(" "), signal)
        .then((token) => {
          this.#tokens.set(key, token);
          return token;
        })
        .finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    return pending;
  }

  async #requestToken(scopes: string[], signal?: AbortSignal): Promise<CachedToken> {
    const params = this.#challenge?.params ?? {};
    const what = this.#registry;
    if (!params.realm) throw new UnauthorizedError(what, "the Bearer challenge names no realm");
    let url: URL;
    try {
      url = new URL(params.realm);
    } catch (cause) {
      throw new UnauthorizedError(what, "the Bearer challenge's realm is not a URL", { cause });
    }
    const creds = await this.#creds();
    const headers: Record<string, string> = {
      "user-agent": this.#ctx.userAgent,
      accept: "application/json",
    };
    let init: RequestInit;
    if (creds && "identityToken" in creds) {
      const form = new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: creds.identityToken,
        client_id: CLIENT_ID,
      });
      if (params.service) form.set("service", params.service);
      if (scopes.length > 0) form.set("scope", scopes.join(" "));
      headers["content-type"] = "application/x-www-form-urlencoded";
      init = { method: "POST", headers, body: form.toString() };
    } else {
      if (params.service) url.searchParams.set("service", params.service);
      for (const scope of scopes) url.searchParams.append("scope", scope);
      if (creds) {
        url.searchParams.set("account", creds.username);
        headers.authorization = `Basic ${base64(`${creds.username}:${creds.password}`)}`;
      }
      init = { method: "GET", headers };
    }
    let response: HttpResponse;
    try {
      response = await withRetries(
        this.#ctx.retry,
        signal,
        true,
        () => fetchOnce(this.#ctx, url, { ...init, redirect: "follow" }, signal),
      );
    } catch (error) {
      if (signal?.aborted) throw error;
      throw connectionError(error, `${url.origin}${url.pathname}`);
    }
    const tooLarge = () => new RegistryError(what, response.status, "token answer too large");
    let bytes: Uint8Array;
    try {
      bytes = await readLimited(response, 1024 * 1024, tooLarge);
    } catch (error) {
      // A cut or stalled answer (the read timeout) is a connection failure, typed.
      if (signal?.aborted) throw error;
      throw connectionError(error, `${url.origin}${url.pathname}`);
    }
    if (response.status === 401 || response.status === 403) {
      const who = creds ? "the credentials" : "anonymous access";
      throw new UnauthorizedError(
        what,
        `the token server refused ${who} (status ${response.status})`,
      );
    }
    if (!response.ok) {
      throw new RegistryError(what, response.status, `token server answered ${response.status}`);
    }
    let answer: Record<string, unknown>;
    try {
      answer = JSON.parse(new TextDecoder().decode(bytes));
    } catch (cause) {
      throw new RegistryError(what, response.status, "token answer is not JSON", { cause });
    }
    const token = typeof answer.token === "string" && answer.token !== ""
      ? answer.token
      : answer.access_token;
    if (typeof token !== "string" || token === "") {
      throw new RegistryError(what, response.status, "token answer has no token");
    }
    const seconds = typeof answer.expires_in === "number" && answer.expires_in > 0
      ? answer.expires_in
      : DEFAULT_TOKEN_SECONDS;
    // Our own clock, not `issued_at`: a skewed server clock must not spoil the cache. Renew
    // a little early so a token does not expire between check and use.
    const margin = Math.min(10_000, seconds * 500);
    return { token, expiresAt: this.#ctx.retry.now() + seconds * 1000 - margin };
  }
}
