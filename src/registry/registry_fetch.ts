/**
 * The `fetch` that reaches one registry as a {@linkcode RegistryClient} without a `fetch`
 * of its own does: the runtime's, without certificate checks for an insecure registry, and
 * with the registry's own CA and client certificates (certs.d).
 *
 * @module
 */
import { type NodeResponse, toFetchResponse } from "../fs/node_http_fetch.ts";
import { registryDefaultFetch } from "./_default_fetch.ts";
import type { FetchLike, RegistryTlsSource } from "./types.ts";

/** Options of {@linkcode registryFetch}. */
export interface RegistryFetchOptions {
  /** Skip certificate checks of `https:` requests (registries.conf `insecure`). @default false */
  insecure?: boolean;
  /**
   * The registry's TLS files, or a function asked for them once, on the first request.
   * @default none
   */
  tls?: RegistryTlsSource;
}

/**
 * A `fetch` for requests to `registry` (`host[:port]`) with its TLS settings; `http:`
 * requests go as the runtime sends them. For code that talks to a registry beside a
 * {@linkcode RegistryClient} (a login check, say) and must reach it the same way.
 *
 * @example
 * ```ts
 * import { registryFetch } from "./registry_fetch.ts";
 * const fetch = registryFetch("registry.internal:5000", { insecure: true });
 * // const ping = await fetch("https://registry.internal:5000/v2/");
 * ```
 */
export function registryFetch(registry: string, options: RegistryFetchOptions = {}): FetchLike {
  const send = registryDefaultFetch(registry, options);
  return async (input, init = {}) => {
    let answer;
    if (typeof input === "string" || input instanceof URL) {
      answer = await send(String(input), init);
    } else {
      const body = input.body === null ? undefined : await input.arrayBuffer();
      answer = await send(input.url, {
        method: input.method,
        headers: input.headers,
        redirect: input.redirect,
        signal: input.signal,
        ...(body === undefined ? {} : { body }),
        ...init,
      });
    }
    return answer instanceof Response ? answer : toFetchResponse(answer as NodeResponse);
  };
}
