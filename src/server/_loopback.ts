/**
 * dockerd's default for registries on this host: those on `localhost`, `127.0.0.0/8` and
 * `::1` are insecure (plain HTTP allowed, certificates not checked), so `docker pull
 * localhost:5000/app` works against a plain-HTTP registry with no extra configuration.
 *
 * @module
 */
import { parseNormalizedName } from "../reference/mod.ts";

/** Whether the registry host `domain` (with an optional port) is a loopback address. */
export function isLoopbackRegistry(domain: string): boolean {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(domain);
  const host = (bracketed ? bracketed[1] : domain.replace(/:\d+$/, "")).toLowerCase();
  if (host === "localhost" || host === "::1" || host === "0:0:0:0:0:0:0:1") return true;
  const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return octets !== null && octets.slice(1).every((octet) => Number(octet) <= 255);
}

/**
 * `{ tlsVerify: false }` for a reference on a loopback registry (dockerd's default), else
 * nothing, so that registries.conf decides.
 */
export function loopbackTls(reference: string): { tlsVerify?: false } {
  try {
    return isLoopbackRegistry(parseNormalizedName(reference).domain) ? { tlsVerify: false } : {};
  } catch {
    return {};
  }
}
