/**
 * Where a socket connects for an HTTP(S) URL.
 *
 * @module
 */

/**
 * The host and port a connection to `url` opens: the host without the brackets a URL keeps
 * around an IPv6 address, and the port, or the scheme's default (443 for `https:`, else 80).
 */
export function socketAddress(url: URL): { host: string; port: number } {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
  return { host, port };
}
