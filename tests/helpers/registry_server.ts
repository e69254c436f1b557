/**
 * Starts the real CNCF distribution registry (`docker-registry serve`, Debian's package)
 * on a free local port with a temporary storage root, optionally behind htpasswd Basic
 * auth, optionally over HTTPS with a throw-away self-signed certificate (made with the
 * `openssl` binary). Works on Deno, Node and Bun through `node:` modules.
 *
 * @module
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { type CertificateFiles, selfSignedCertificate, signedCertificate } from "./certificates.ts";

/** Where the registry binary is looked for unless `$DOCKER_REGISTRY_BIN` says otherwise. */
export const REGISTRY_BINARY = "/usr/bin/docker-registry";

/** Options of {@linkcode startRegistry}. */
export interface StartRegistryOptions {
  /** Require these credentials (htpasswd, bcrypt) for every request. @default open */
  auth?: { username: string; password: string };
  /** The loopback address to listen on: `127.0.0.1` or `::1`. @default "127.0.0.1" */
  address?: "127.0.0.1" | "::1";
  /**
   * Serve HTTPS: `true` with a self-signed certificate for `127.0.0.1`, `::1` and
   * `localhost`, made for this registry (nothing trusts it); or with a certificate signed
   * by `authority`, and requiring client certificates signed by `clientAuthority`.
   * @default plain HTTP
   */
  tls?: boolean | RegistryTlsOptions;
}

/** How a registry serves HTTPS with test CAs. */
export interface RegistryTlsOptions {
  /** The CA that signs the server's certificate. */
  authority: CertificateFiles;
  /** Require a client certificate signed by this CA. @default none required */
  clientAuthority?: CertificateFiles;
}

/** A running registry. */
export interface RegistryServer {
  /** `127.0.0.1:PORT` (or `[::1]:PORT`), as a registry host name. */
  registry: string;
  /** `http://127.0.0.1:PORT` (or `http://[::1]:PORT`); `https://` with `tls`. */
  url: string;
  /** With `tls`: the PEM file of the server's certificate. */
  certificate?: string;
  /** The temporary directory holding config, htpasswd and storage. */
  root: string;
  /** Stops the registry and removes its directory. */
  stop(): Promise<void>;
}

function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, address, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function registryBinary(): string {
  const binary = process.env.DOCKER_REGISTRY_BIN ?? REGISTRY_BINARY;
  if (!existsSync(binary)) {
    throw new Error(
      `The distribution registry binary is missing at ${binary}: install the Debian ` +
        `package "docker-registry" (or set DOCKER_REGISTRY_BIN) to run these tests`,
    );
  }
  return binary;
}

/**
 * Whether the registry at `url` is up: `/v2/` answers 200 or 401 over plain HTTP; over
 * HTTPS, it accepts connections (it may want a client certificate the probe lacks).
 */
async function answers(url: string, address: string, port: number): Promise<boolean> {
  if (url.startsWith("http:")) {
    const response = await fetch(`${url}/v2/`);
    await response.body?.cancel();
    return response.status === 200 || response.status === 401;
  }
  return await new Promise<boolean>((resolve, reject) => {
    const socket = connect({ host: address, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", reject);
  });
}

function configYaml(
  root: string,
  host: string,
  htpasswd: string | undefined,
  tls: CertificateFiles | undefined,
  clientAuthority: CertificateFiles | undefined,
): string {
  const lines = [
    "version: 0.1",
    "log:",
    "  level: error",
    "  accesslog:",
    "    disabled: true",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${join(root, "data")}`,
    "  delete:",
    "    enabled: true",
    "  maintenance:",
    "    uploadpurging:",
    "      enabled: false",
    "http:",
    `  addr: "${host}"`,
  ];
  if (tls !== undefined) {
    lines.push("  tls:", `    certificate: ${tls.certificate}`, `    key: ${tls.key}`);
    if (clientAuthority !== undefined) {
      lines.push("    clientcas:", `      - ${clientAuthority.certificate}`);
    }
  }
  if (htpasswd !== undefined) {
    lines.push("auth:", "  htpasswd:", "    realm: stevedore-test", `    path: ${htpasswd}`);
  }
  return lines.join("\n") + "\n";
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Starts a registry and resolves once `/v2/` answers. */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<RegistryServer> {
  const binary = registryBinary();
  const root = await mkdtemp(join(tmpdir(), "stevedore-registry-"));
  let htpasswd: string | undefined;
  if (options.auth) {
    htpasswd = join(root, "htpasswd");
    const line = execFileSync(
      "htpasswd",
      ["-Bbn", options.auth.username, options.auth.password],
      { encoding: "utf8" },
    );
    await writeFile(htpasswd, line.trim() + "\n");
  }
  const address = options.address ?? "127.0.0.1";
  const port = await freePort(address);
  const host = address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
  let tls: CertificateFiles | undefined;
  const signed = typeof options.tls === "object" ? options.tls : undefined;
  try {
    if (signed) tls = signedCertificate(root, "server", signed.authority, "server");
    else if (options.tls) tls = selfSignedCertificate(root);
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  const config = join(root, "config.yml");
  await writeFile(config, configYaml(root, host, htpasswd, tls, signed?.clientAuthority));

  const child = spawn(binary, ["serve", config], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (text: string) => {
    log = (log + text).slice(-4000);
  });
  const url = `${tls ? "https" : "http"}://${host}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      if (!await waitForExit(child, 5000)) {
        child.kill("SIGKILL");
        await waitForExit(child, 5000);
      }
    }
    child.stderr?.destroy();
    await rm(root, { recursive: true, force: true });
  };

  // A hang guard only: a busy machine may take long to start the binary.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`docker-registry exited (${child.exitCode}) on start: ${log}`);
    }
    try {
      if (await answers(url, address, port)) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not answer on ${url} in time: ${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { registry: host, url, root, stop, certificate: tls?.certificate };
}
