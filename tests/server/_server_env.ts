// Shared set-up of the server tests: a real registry holding random images, a runtime whose
// registries.conf marks it insecure, and a stevedore server over that runtime.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { Runtime } from "../../src/runtime/mod.ts";
import { type RunningServer, startServer, type StartServerOptions } from "../../src/server/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { type RandomImage, randomImage } from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";

/** The docker client binary. */
export const DOCKER_BIN = ["/usr/local/bin/docker", "/usr/bin/docker"].find((p) => existsSync(p)) ??
  "docker";

export interface ServerEnv {
  registry: RegistryServer;
  dir: string;
  runtime: Runtime;
  server: RunningServer;
  images: { app: RandomImage; other: RandomImage };
  /** Runs the docker client against the server; resolves with code, stdout and stderr. */
  docker(
    args: string[],
    options?: { env?: Record<string, string>; input?: Uint8Array },
  ): Promise<Run>;
  stop(): Promise<void>;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  stdoutBytes: Uint8Array;
}

export function run(
  file: string,
  args: string[],
  env: Record<string, string | undefined>,
  input?: Uint8Array,
): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      { env: env as Record<string, string>, encoding: "buffer", maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        const spawnError = error && typeof error.code !== "number" ? `${error.message}\n` : "";
        resolve({
          code,
          stdout: stdout.toString(),
          stderr: spawnError + stderr.toString(),
          stdoutBytes: new Uint8Array(stdout),
        });
      },
    );
    if (input) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

/**
 * Pushes `image` to `destination` (`HOST:PORT/repo:tag`, plain HTTP) with skopeo, as
 * `credentials`, through an OCI layout under `dir`; resolves with the manifest digest the
 * registry holds.
 */
export async function pushWithSkopeo(
  image: RandomImage,
  destination: string,
  credentials: { username: string; password: string },
  dir: string,
): Promise<string> {
  const memory = memoryTransport();
  memory.store.add("seed:latest", image);
  const layout = join(dir, `seed-${crypto.randomUUID()}`);
  await copyBetween(memory.parse("seed:latest"), `oci:${layout}:seed`, {
    context: { fs: new NodeFileSystem() },
  });
  const digestFile = `${layout}.digest`;
  const result = await run("skopeo", [
    "copy",
    "--quiet",
    "--dest-tls-verify=false",
    "--dest-creds",
    `${credentials.username}:${credentials.password}`,
    "--digestfile",
    digestFile,
    `oci:${layout}:seed`,
    `docker://${destination}`,
  ], { PATH: "/usr/local/bin:/usr/bin:/bin" });
  if (result.code !== 0) throw new Error(`skopeo copy failed: ${result.stderr}`);
  const digest = (await readFile(digestFile, "utf8")).trim();
  await rm(layout, { recursive: true, force: true });
  await rm(digestFile, { force: true });
  return digest;
}

export async function startServerEnv(
  options: Partial<StartServerOptions> = {},
): Promise<ServerEnv> {
  const registry = await startRegistry();
  const dir = await mkdtemp(join(tmpdir(), "stevedore-server-"));
  const confPath = join(dir, "registries.conf");
  await writeFile(
    confPath,
    [
      "unqualified-search-registries = []",
      "[[registry]]",
      `location = "${registry.registry}"`,
      "insecure = true",
      "",
    ].join("\n"),
  );
  const memory = memoryTransport();
  const fs = new NodeFileSystem();
  const app = randomImage({ layers: 2, layerSize: 300 });
  const other = randomImage({ layers: 1, layerSize: 200 });
  for (const [image, repoTag] of [[app, "app:v1"], [other, "other:latest"]] as const) {
    memory.store.add(repoTag, image);
    await copyBetween(memory.parse(repoTag), `docker://${registry.registry}/${repoTag}`, {
      context: { fs, tlsVerify: false },
    });
  }
  const runtime = await Runtime.open({
    root: join(dir, "store"),
    registriesConf: confPath,
    registriesConfDir: "",
    env: {},
    homeDir: dir,
    uid: 1000,
    hostPlatform: { os: "linux", architecture: "amd64" },
    tmpDir: dir,
    warn: () => {},
  });
  const server = await startServer({ listen: "127.0.0.1:0", runtime, ...options });
  const host = server.url.replace(/^http:\/\//, "tcp://");
  const dockerConfig = join(dir, "docker-config");
  return {
    registry,
    dir,
    runtime,
    server,
    images: { app, other },
    docker: (args, opts = {}) =>
      run(DOCKER_BIN, args, {
        PATH: "/usr/local/bin:/usr/bin:/bin",
        HOME: dir,
        DOCKER_HOST: host,
        DOCKER_CONFIG: dockerConfig,
        ...opts.env,
      }, opts.input),
    stop: async () => {
      await server.close();
      await registry.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
