#!/usr/bin/env node
/**
 * The `stevedore` command line: Podman's image commands (pull, push, images, inspect,
 * rmi, tag, save, load, manifest, ...) over the stevedore runtime. Runs on Deno
 * (`deno run -A cli.ts`), Bun (`bun cli.ts`) and Node (`node dist/cli.js`).
 *
 * @module
 */
import process from "node:process";
import { type CliIO, main } from "./src/cli/main.ts";

/**
 * Standard input as a byte stream, paused while the reader is behind (built on the stream's
 * events rather than `node:stream`'s `Readable.toWeb`, which costs start-up time to load).
 */
function stdinStream(): ReadableStream<Uint8Array> {
  const input = process.stdin;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      input.on("data", (chunk: Uint8Array | string) => {
        controller.enqueue(typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk);
        if ((controller.desiredSize ?? 1) <= 0) input.pause();
      });
      input.once("end", () => controller.close());
      input.once("error", (error) => controller.error(error));
    },
    pull() {
      input.resume();
    },
    cancel() {
      input.destroy();
    },
  }, { highWaterMark: 4 });
}

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
    return stdinStream();
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
