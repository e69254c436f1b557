#!/usr/bin/env node
/**
 * The `stevedore` command line: Podman's image commands (pull, push, images, inspect,
 * rmi, tag, save, load, manifest, ...) over the stevedore runtime. Runs on Deno
 * (`deno run -A cli.ts`), Bun (`bun cli.ts`) and Node (`node dist/cli.js`).
 *
 * Start-up matters for a command line: this entry touches each runtime's own process API
 * only as a command needs it. On Deno that is Deno's namespace (its `node:process` is built
 * by the Node compatibility layer on first use, ~20 ms); on Bun the standard streams are
 * written with `Bun.write` (its `process.stdout` costs ~9 ms to create); standard input and
 * the terminal checks are only read when a command asks.
 *
 * @module
 */
import { type CliIO, main } from "./src/cli/main.ts";

/** Writes to the standard streams that have not finished: the process waits for them. */
const unfinished = new Set<Promise<unknown>>();

/** `write`, counted in {@linkcode unfinished} until it settles. */
function tracked(write: Promise<void>): Promise<void> {
  const settled = write.catch(() => {});
  unfinished.add(settled);
  void settled.then(() => unfinished.delete(settled));
  return write;
}

/** A writer that runs the writes of `write` one after the other, in call order. */
function sequential(write: (bytes: Uint8Array) => Promise<void>): CliIO["stdout"] {
  const encoder = new TextEncoder();
  let last: Promise<void> = Promise.resolve();
  return (data) => {
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    const next = tracked(last.then(() => write(bytes)));
    last = next.catch(() => {});
    return next;
  };
}

type StopSignal = "SIGINT" | "SIGTERM";
type SignalListener = (signal: StopSignal, handler: () => void) => void;

/** `onSignal` over a runtime's way to add and remove a signal listener. */
function stopSignals(add: SignalListener, remove: SignalListener): CliIO["onSignal"] {
  return (handler) => {
    add("SIGINT", handler);
    add("SIGTERM", handler);
    return () => {
      remove("SIGINT", handler);
      remove("SIGTERM", handler);
    };
  };
}

/** The parts of Deno's namespace the command line uses. */
interface DenoProcess {
  args: string[];
  env: { toObject(): Record<string, string> };
  cwd(): string;
  stdin: { readable: ReadableStream<Uint8Array>; isTerminal(): boolean };
  stdout: DenoOutput;
  stderr: DenoOutput;
  version: { deno: string };
  exit(code: number): never;
  addSignalListener(signal: StopSignal, handler: () => void): void;
  removeSignalListener(signal: StopSignal, handler: () => void): void;
}

interface DenoOutput {
  write(bytes: Uint8Array): Promise<number>;
  isTerminal(): boolean;
}

function denoIO(deno: DenoProcess): CliIO {
  const writer = (output: DenoOutput) =>
    sequential(async (bytes) => {
      for (let done = 0; done < bytes.length;) done += await output.write(bytes.subarray(done));
    });
  return {
    args: deno.args,
    env: deno.env.toObject(),
    cwd: deno.cwd(),
    stdout: writer(deno.stdout),
    stderr: writer(deno.stderr),
    get stdin() {
      return deno.stdin.readable;
    },
    isTTY: {
      get stdin() {
        return deno.stdin.isTerminal();
      },
      get stdout() {
        return deno.stdout.isTerminal();
      },
      get stderr() {
        return deno.stderr.isTerminal();
      },
    },
    runtime: `deno ${deno.version.deno}`,
    exit: (code) => deno.exit(code),
    onSignal: stopSignals(
      (signal, handler) => deno.addSignalListener(signal, handler),
      (signal, handler) => deno.removeSignalListener(signal, handler),
    ),
  };
}

/** Bun's file writer and standard output files. */
interface BunHost {
  write(destination: unknown, data: Uint8Array): Promise<number>;
  stdout: unknown;
  stderr: unknown;
}

/**
 * Standard input as a byte stream, paused while the reader is behind (built on the stream's
 * events rather than `node:stream`'s `Readable.toWeb`, which costs start-up time to load).
 */
function stdinStream(input: NodeJS.ReadStream): ReadableStream<Uint8Array> {
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

async function nodeIO(bun: BunHost | undefined): Promise<CliIO> {
  const { default: process } = await import("node:process");
  // node:tty only where a command asks (Bun takes ~10 ms to load it).
  const isatty = (fd: number) => process.getBuiltinModule("node:tty").isatty(fd);
  // process.stdout and process.stderr are made on first use: only a command that prints.
  const writer = (stream: () => NodeJS.WriteStream, bunFile: unknown) =>
    bun === undefined
      ? (data: string | Uint8Array) =>
        tracked(
          new Promise<void>((resolve, reject) => {
            stream().write(data, (error) => error ? reject(error) : resolve());
          }),
        )
      : sequential(async (bytes) => void await bun.write(bunFile, bytes));
  const versions = process.versions as Record<string, string | undefined>;
  return {
    args: process.argv.slice(2),
    env: { ...process.env },
    cwd: process.cwd(),
    stdout: writer(() => process.stdout, bun?.stdout),
    stderr: writer(() => process.stderr, bun?.stderr),
    get stdin() {
      return stdinStream(process.stdin);
    },
    isTTY: {
      get stdin() {
        return isatty(0);
      },
      get stdout() {
        return isatty(1);
      },
      get stderr() {
        return isatty(2);
      },
    },
    runtime: versions.bun ? `bun ${versions.bun}` : `node ${versions.node}`,
    exit: (code) => process.exit(code),
    onSignal: stopSignals(
      (signal, handler) => process.on(signal, handler),
      (signal, handler) => process.off(signal, handler),
    ),
  };
}

const deno = (globalThis as { Deno?: DenoProcess }).Deno;
const io = deno === undefined ? await nodeIO((globalThis as { Bun?: BunHost }).Bun) : denoIO(deno);
const code = await main(io);
// Writes nobody awaited (warnings, progress) are finished before the process ends.
await Promise.all(unfinished);
io.exit(code);
