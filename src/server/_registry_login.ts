/**
 * `POST /auth` as dockerd answers it: the credentials are checked against the registry
 * (`GET /v2/` with Basic credentials, or a token request for a Bearer challenge, asking for
 * an offline token), nothing is stored, and a refresh token the token server hands out is
 * returned as `IdentityToken` for the client to keep instead of the password.
 *
 * @module
 */
import { findRegistry, type RegistriesConf } from "../config/mod.ts";
import {
  type AuthChallenge,
  type FetchLike,
  parseAuthChallenges,
  registryFetch,
  type RegistryTlsSource,
} from "../registry/mod.ts";
import { HttpError } from "./_http.ts";
import { isLoopbackRegistry } from "./_loopback.ts";

/** The body of `POST /auth` (Docker's `AuthConfig`). */
export interface LoginRequest {
  /** The user name. */
  username?: string;
  /** The password. */
  password?: string;
  /** An identity token from an earlier login, instead of a password. */
  identitytoken?: string;
  /** The registry: `host[:port]`, a URL, or Docker Hub's index URL. */
  serveraddress?: string;
}

/** What `POST /auth` answers on success. */
export interface LoginResult {
  /** Always `Login Succeeded`. */
  Status: string;
  /** A refresh token to use instead of the password, or "". */
  IdentityToken: string;
}

/** The OAuth2 client id sent to token servers, as dockerd sends it. */
const CLIENT_ID = "docker";
const MAX_ANSWER = 1024 * 1024;

/** The registry host a `serveraddress` names (Docker Hub's index URL is `registry-1.docker.io`). */
export function loginHost(serverAddress: string): string {
  const trimmed = serverAddress.trim();
  if (trimmed === "" || /(^|\/\/)index\.docker\.io(\/|$)|^docker\.io$/.test(trimmed)) {
    return "registry-1.docker.io";
  }
  const host = trimmed.replace(/^[a-z]+:\/\//i, "").replace(/\/.*$/, "");
  if (host === "" || /[\s@]/.test(host)) {
    throw new HttpError(400, `invalid registry address "${serverAddress}"`);
  }
  return host;
}

function basic(username: string, password: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(`${username}:${password}`)) {
    binary += String.fromCharCode(byte);
  }
  return `Basic ${btoa(binary)}`;
}

async function answerText(response: Response): Promise<string> {
  const text = await response.text();
  return text.length > MAX_ANSWER ? "" : text;
}

function refused(url: string, response: Response): HttpError {
  return new HttpError(
    401,
    `login attempt to ${url} failed with status: ${response.status} ${response.statusText}`.trim(),
  );
}

/** Options of {@linkcode checkLogin}. */
export interface CheckLoginOptions {
  /** registries.conf, for the registry's `insecure` flag. */
  registriesConf: RegistriesConf;
  /**
   * The `fetch` the registry is reached with. @default the registry client's: unchecked
   * TLS for an insecure registry, its `tls` files
   */
  fetch?: FetchLike;
  /** The registry's TLS files (certs.d), when `fetch` is not given. @default none */
  tls?: RegistryTlsSource;
  /** Cancels the check. */
  signal?: AbortSignal;
}

/**
 * Checks `request`'s credentials against its registry as dockerd does; plain HTTP, and
 * HTTPS without certificate checks, are allowed for loopback registries and those
 * registries.conf marks insecure.
 *
 * @throws {HttpError} 401 when the registry refuses the credentials, 400 for a bad request,
 * 502 when the registry cannot be reached or answers nonsense.
 */
export async function checkLogin(
  request: LoginRequest,
  options: CheckLoginOptions,
): Promise<LoginResult> {
  const text = (value: unknown) => typeof value === "string" ? value : "";
  const username = text(request.username);
  const password = text(request.password);
  const identityToken = text(request.identitytoken);
  if (identityToken === "" && (username === "" || password === "")) {
    throw new HttpError(400, "username and password are required");
  }
  const host = loginHost(text(request.serveraddress));
  const insecure = isLoopbackRegistry(host) ||
    (findRegistry(options.registriesConf, host)?.insecure ?? false);
  const fetcher = options.fetch ?? registryFetch(host, { insecure, tls: options.tls });
  const signal = options.signal;
  const send: Send = async (url, init = {}) => {
    try {
      return await fetcher(url, { ...init, redirect: "follow", ...(signal ? { signal } : {}) });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new HttpError(502, `Cannot reach "${url}": ${reason}`);
    }
  };
  let ping: Response;
  let origin = `https://${host}`;
  try {
    ping = await send(`${origin}/v2/`);
  } catch (error) {
    if (!insecure) throw error;
    origin = `http://${host}`;
    ping = await send(`${origin}/v2/`);
  }
  const pingUrl = `${origin}/v2/`;
  await ping.body?.cancel();
  if (ping.ok) return { Status: "Login Succeeded", IdentityToken: "" };
  if (ping.status !== 401) throw refused(pingUrl, ping);
  const challenges = parseAuthChallenges(ping.headers.get("www-authenticate"));
  const bearer = challenges.find((c) => c.scheme === "bearer");
  if (bearer) return await tokenLogin(bearer, { username, password, identityToken }, send);
  if (identityToken !== "") throw new HttpError(401, `${host} does not take identity tokens`);
  const answer = await send(pingUrl, { headers: { authorization: basic(username, password) } });
  await answer.body?.cancel();
  if (!answer.ok) throw refused(pingUrl, answer);
  return { Status: "Login Succeeded", IdentityToken: "" };
}

type Send = (url: string, init?: RequestInit) => Promise<Response>;

async function tokenLogin(
  challenge: AuthChallenge,
  creds: { username: string; password: string; identityToken: string },
  send: Send,
): Promise<LoginResult> {
  let url: URL;
  try {
    url = new URL(challenge.params.realm ?? "");
  } catch {
    throw new HttpError(502, "the registry's Bearer challenge names no valid realm");
  }
  const service = challenge.params.service;
  let response: Response;
  if (creds.identityToken !== "") {
    const form = new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: creds.identityToken,
      client_id: CLIENT_ID,
    });
    if (service) form.set("service", service);
    response = await send(url.href, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
    });
  } else {
    if (service) url.searchParams.set("service", service);
    url.searchParams.set("client_id", CLIENT_ID);
    url.searchParams.set("account", creds.username);
    url.searchParams.set("offline_token", "true");
    response = await send(url.href, {
      headers: { authorization: basic(creds.username, creds.password) },
    });
  }
  const text = await answerText(response);
  if (!response.ok) throw refused(`${url.origin}${url.pathname}`, response);
  let answer: Record<string, unknown>;
  try {
    answer = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new HttpError(502, "the token server's answer is not JSON");
  }
  const refresh = answer.refresh_token;
  return {
    Status: "Login Succeeded",
    IdentityToken: typeof refresh === "string" ? refresh : "",
  };
}
