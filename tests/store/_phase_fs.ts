// A FileSystem for child processes that tests kill: it counts every change it makes to
// the store (and every write into a file), and at a chosen one it reports the phase on
// stdout and freezes: that operation and every later file-system call wait forever, so
// the parent's SIGKILL lands exactly there, whatever the machine's speed.
import type { FileInfo, FileSystem, WriteFileOptions } from "../../src/fs/mod.ts";

/** Where to stop: the `nth` time `op` runs (`before` or `after` it) on a matching path. */
export interface StopAt {
  when: "before" | "after";
  /** `writeFile`, `openWrite`, `write` (one chunk), `close`, `rename`, `mkdir` or `remove`. */
  op: string;
  /** A regular expression source matched against the path relative to the store root
   * (for `rename`, against `FROM -> TO`). */
  path: string;
  /** Which occurrence, from 1. */
  nth: number;
}

const forever = new Promise<never>(() => {});

/** A {@linkcode FileSystem} that stops at a {@linkcode StopAt} (see the file comment). */
export class PhaseFileSystem implements FileSystem {
  readonly #inner: FileSystem;
  readonly #root: string;
  readonly #stop: StopAt | undefined;
  readonly #pattern: RegExp | undefined;
  readonly #onStop: (phase: string) => void;
  readonly #trace: ((phase: string) => void) | undefined;
  #seen = 0;
  #frozen = false;

  constructor(
    inner: FileSystem,
    root: string,
    stop: StopAt | undefined,
    onStop: (phase: string) => void,
    trace?: (phase: string) => void,
  ) {
    this.#inner = inner;
    this.#root = root.replace(/\/+$/, "");
    this.#stop = stop;
    this.#pattern = stop && new RegExp(stop.path);
    this.#onStop = onStop;
    this.#trace = trace;
  }

  #relative(path: string): string {
    return path.startsWith(this.#root + "/") ? path.slice(this.#root.length + 1) : path;
  }

  /** Waits forever once frozen; freezes at the chosen phase. */
  async #gate(when: "before" | "after", op: string, path: string): Promise<void> {
    if (this.#frozen) await forever;
    const phase = `${when} ${op} ${path}`;
    this.#trace?.(phase);
    const stop = this.#stop;
    if (stop === undefined || stop.when !== when || stop.op !== op) return;
    if (!this.#pattern!.test(path) || ++this.#seen !== stop.nth) return;
    this.#frozen = true;
    this.#onStop(phase);
    await forever;
  }

  async #around<T>(op: string, path: string, run: () => Promise<T>): Promise<T> {
    await this.#gate("before", op, path);
    const result = await run();
    await this.#gate("after", op, path);
    return result;
  }

  async #read<T>(run: () => Promise<T>): Promise<T> {
    if (this.#frozen) await forever;
    return await run();
  }

  readFile(path: string): Promise<Uint8Array> {
    return this.#read(() => this.#inner.readFile(path));
  }

  readTextFile(path: string): Promise<string> {
    return this.#read(() => this.#inner.readTextFile(path));
  }

  openRead(path: string): Promise<ReadableStream<Uint8Array>> {
    return this.#read(() => this.#inner.openRead(path));
  }

  readDir(path: string): Promise<string[]> {
    return this.#read(() => this.#inner.readDir(path));
  }

  stat(path: string): Promise<FileInfo> {
    return this.#read(() => this.#inner.stat(path));
  }

  writeFile(path: string, data: Uint8Array | string, options?: WriteFileOptions): Promise<void> {
    return this.#around(
      "writeFile",
      this.#relative(path),
      () => this.#inner.writeFile(path, data, options),
    );
  }

  async openWrite(path: string, options?: WriteFileOptions): Promise<WritableStream<Uint8Array>> {
    const name = this.#relative(path);
    const sink = await this.#around("openWrite", name, () => this.#inner.openWrite(path, options));
    const writer = sink.getWriter();
    return new WritableStream<Uint8Array>({
      write: (chunk) => this.#around("write", name, () => writer.write(chunk)),
      close: () => this.#around("close", name, () => writer.close()),
      abort: (reason) => writer.abort(reason),
    });
  }

  rename(from: string, to: string): Promise<void> {
    const what = `${this.#relative(from)} -> ${this.#relative(to)}`;
    return this.#around("rename", what, () => this.#inner.rename(from, to));
  }

  mkdir(path: string, options?: { recursive?: boolean; mode?: number }): Promise<void> {
    return this.#around("mkdir", this.#relative(path), () => this.#inner.mkdir(path, options));
  }

  remove(path: string, options?: { recursive?: boolean }): Promise<void> {
    return this.#around("remove", this.#relative(path), () => this.#inner.remove(path, options));
  }
}
