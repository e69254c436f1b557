#!/usr/bin/env node
/**
 * The `stevedore` command line: Podman's image commands (pull, push, images, inspect,
 * rmi, tag, save, load, manifest, ...) over the stevedore runtime. Runs on Deno
 * (`deno run -A cli.ts`), Bun (`bun cli.ts`) and Node (`node dist/cli.js`).
 *
 * @module
 */
import process from "node:process";
import { Readable } from "node:stream";
import { type CliIO, main } from "./src/cli/main.ts";

function writer(stream: NodeJS.WriteStream): (data: string | Uint8Array) => Promise<void> {
  return (data) =>
    new Promise((resolve, reject) => {
      stream.write(data, (error) => error ? reject(error) : resolve());
    });
}

const versions = process.versions as Record<string, string | undefined>;
const runtime = versions.deno
  ? `deno ${versions.deno}`
  : versions.bun
  ? `bun ${versions.bun}`
  : `node ${versions.node}`;

const io: CliIO = {
  args: process.argv.slice(2),
  env: { ...process.env },
  cwd: process.cwd(),
  stdout: writer(process.stdout),
  stderr: writer(process.stderr),
  get stdin() {
    return Readable.toWeb(process.stdin) as unknown as ReadableStream<Uint8Array>;
  },
  isTTY: {
    stdin: Boolean(process.stdin.isTTY),
    stdout: Boolean(process.stdout.isTTY),
    stderr: Boolean(process.stderr.isTTY),
  },
  runtime,
  exit: (code) => process.exit(code),
  onSignal: (handler) => {
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
    return () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    };
  },
};

process.exit(await main(io));
