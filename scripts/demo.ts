/**
 * The main job, offline: build a small image, serve it from a registry embedded in this
 * process on 127.0.0.1, pull it into a fresh local store with the real CLI (policy
 * `newer`), list it, show its layer tree, save it to an oci-archive, unpack it and read a
 * file out of it. Prints what each step printed and how long it took.
 *
 * Run: `npm run demo` (Deno), or `bun scripts/demo.ts`, or `npx tsx scripts/demo.ts`.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { packTar } from "modern-tar";
import { Runtime } from "../mod.ts";
import { MemoryFileSystem } from "../src/fs/mod.ts";
import { distributionApp, MemoryRegistryStorage } from "../server.ts";
import { listenHttp } from "../src/fs/http_listen.ts";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const started = performance.now();

function elapsed(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(2)} s`;
}

/** The command that runs `cli.ts` on the runtime running this script. */
function cliCommand(): string[] {
  const runtime = globalThis as { Deno?: unknown; Bun?: unknown };
  const cli = join(projectRoot, "cli.ts");
  if (runtime.Deno) return [process.execPath, "run", "-A", "--quiet", cli];
  if (runtime.Bun) return [process.execPath, cli];
  return [process.execPath, "--import", "tsx", cli];
}

/** Runs the CLI (asynchronously: the registry answering it lives in this process). */
async function stevedore(root: string, ...args: string[]): Promise<string> {
  const [command, ...prefix] = cliCommand();
  const shown = `stevedore ${args.join(" ")}`;
  console.log(`\n$ ${shown}`);
  const begin = performance.now();
  const child = spawn(command, [...prefix, "--root", root, ...args], {
    cwd: projectRoot,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (output.trimEnd()) console.log(output.trimEnd());
  console.log(`  (${elapsed(begin)})`);
  if (status !== 0) throw new Error(`"${shown}" failed with exit code ${status}`);
  return output;
}

/** A tiny root file system: a motd, an os-release and a shell script. */
async function rootfsTar(): Promise<Uint8Array> {
  const text = (s: string) => new TextEncoder().encode(s);
  const files: [string, string, number][] = [
    ["etc/motd", "Hello from an image pulled by stevedore.\n", 0o644],
    ["etc/os-release", 'NAME="stevedore demo"\nID=stevedore-demo\nVERSION_ID=1.0\n', 0o644],
    ["usr/bin/hello", "#!/bin/sh\ncat /etc/motd\n", 0o755],
  ];
  return await packTar([
    { header: { name: "etc/", type: "directory", size: 0, mode: 0o755 } },
    { header: { name: "usr/", type: "directory", size: 0, mode: 0o755 } },
    { header: { name: "usr/bin/", type: "directory", size: 0, mode: 0o755 } },
    ...files.map(([name, content, mode]) => ({
      header: { name, type: "file" as const, size: text(content).byteLength, mode },
      body: text(content),
    })),
  ]);
}

const work = await mkdtemp(join(tmpdir(), "stevedore-demo-"));
const registry = await listenHttp(
  distributionApp(new MemoryRegistryStorage()).fetch,
  { hostname: "127.0.0.1", port: 0 },
);
try {
  const host = new URL(registry.url).host;
  const image = `${host}/demo/hello:1.0`;
  console.log(`Embedded registry listening on ${registry.url}`);

  // Build the image in a store that lives only in memory, then push it to the registry.
  const building = performance.now();
  const staging = await Runtime.open({ root: "/staging", fs: new MemoryFileSystem() });
  const tar = await rootfsTar();
  const id = await staging.importImage(new Blob([tar as Uint8Array<ArrayBuffer>]).stream(), {
    reference: image,
    changes: ['CMD ["/usr/bin/hello"]', "ENV GREETING=hello", "LABEL org.example.demo=true"],
    message: "built by the stevedore demo",
  });
  const pushed = await staging.push(image, `docker://${image}`, { tlsVerify: false });
  await staging.close();
  console.log(
    `Built ${id.slice(0, 19)} and pushed it as ${image} (${pushed}) in ${elapsed(building)}`,
  );

  const root = join(work, "store");
  await stevedore(root, "pull", "--policy", "newer", "--tls-verify=false", image);
  await stevedore(root, "images");
  await stevedore(root, "image", "tree", image);
  await stevedore(root, "pull", "--policy", "newer", "--tls-verify=false", "-q", image);
  await stevedore(root, "save", "--format", "oci-archive", "-o", join(work, "hello.tar"), image);
  await stevedore(root, "unpack", image, join(work, "rootfs"));
  const motd = await readFile(join(work, "rootfs", "etc", "motd"), "utf8");
  console.log(`\nRead from the unpacked image: ${motd.trim()}`);
  console.log(`\nDemo finished in ${elapsed(started)}.`);
} finally {
  await registry.close();
  await rm(work, { recursive: true, force: true });
}
