/**
 * Copy progress as Podman prints it: on a terminal one line per blob with a bar, bytes and
 * rate, redrawn in place with ANSI cursor-up and clear-line; otherwise one plain
 * "Copying blob sha256:…" line a blob as it starts; nothing when quiet.
 *
 * @module
 */
import type { CopyProgressEvent } from "../copy/mod.ts";
import { isConfigType } from "../types/mod.ts";
import { binarySize } from "./_format.ts";

/** Options of {@linkcode ProgressPrinter}. */
export interface ProgressOptions {
  /** Where the progress goes (standard error). */
  write: (text: string) => void;
  /**
   * Redraw lines in place (a terminal). Commands pass `!quiet && isTTY.stderr`: a quiet
   * command never asks (on Bun the check loads node:tty, ~8 ms). @default false
   */
  tty?: boolean;
  /** Print nothing. @default false */
  quiet?: boolean;
  /** The clock in milliseconds. @default Date.now */
  now?: () => number;
  /** The smallest pause between two redraws, in milliseconds. @default 100 */
  redrawMs?: number;
  /** Print "Getting image source signatures" first (Podman's save does not). @default true */
  signatures?: boolean;
}

interface BlobState {
  digest: string;
  size: number;
  bytes: number;
  state: "running" | "done" | "skipped";
  started: number;
  config: boolean;
}

const BAR_WIDTH = 30;
const CURSOR_UP = (n: number) => `\x1b[${n}A`;
const CLEAR_LINE = "\x1b[2K";

/** Turns copy progress events into output lines. */
export class ProgressPrinter {
  readonly #options: ProgressOptions;
  readonly #blobs = new Map<string, BlobState>();
  #drawn = 0;
  #lastDraw = 0;
  #started = false;
  #configs: string[] = [];

  /** Builds a printer. */
  constructor(options: ProgressOptions) {
    this.#options = options;
  }

  /** Whether any blob was reported. */
  get active(): boolean {
    return this.#started;
  }

  /** The `onProgress` callback to hand to a copy. */
  readonly onProgress = (event: CopyProgressEvent): void => {
    if (this.#options.quiet) return;
    const now = (this.#options.now ?? Date.now)();
    this.#start();
    let blob = this.#blobs.get(event.digest);
    if (!blob) {
      blob = {
        digest: event.digest,
        size: event.size,
        bytes: 0,
        state: "running",
        started: now,
        config: isConfigType(event.mediaType),
      };
      this.#blobs.set(event.digest, blob);
      if (!this.#options.tty) {
        // A pipe gets one line a blob as it starts (the config's comes last), as Podman prints.
        if (blob.config) this.#configs.push(blob.digest);
        else this.#options.write(`Copying blob ${blob.digest}\n`);
      }
    }
    blob.bytes = Math.max(blob.bytes, event.bytes);
    const before = blob.state;
    if (event.kind === "blob-done") blob.state = "done";
    if (event.kind === "blob-skipped") blob.state = "skipped";
    if (!this.#options.tty) return;
    const changed = before !== blob.state || event.kind === "blob-start";
    if (changed || now - this.#lastDraw >= (this.#options.redrawMs ?? 100)) this.#draw(now);
  };

  /** Prints a line of its own (e.g. "Trying to pull …") above the progress lines. */
  line(text: string): void {
    if (this.#options.quiet) return;
    this.#options.write(text + "\n");
    this.#drawn = 0;
  }

  /**
   * Prints the final lines of a copy that reported blobs: the config (on a pipe), then the
   * manifest and signature lines. `configDigest` names the config when the copy did not
   * report it.
   */
  finish(configDigest?: string): void {
    if (this.#options.quiet || !this.#started) return;
    if (configDigest !== undefined && !this.#blobs.has(configDigest) && !this.#options.tty) {
      this.#configs.push(configDigest);
    }
    if (this.#options.tty) this.#draw((this.#options.now ?? Date.now)());
    let text = "";
    for (const digest of this.#configs) text += `Copying config ${digest}\n`;
    this.#options.write(text + "Writing manifest to image destination\nStoring signatures\n");
    this.#configs = [];
    this.#blobs.clear();
    this.#drawn = 0;
    this.#started = false;
  }

  #start(): void {
    if (this.#started) return;
    this.#started = true;
    if (this.#options.signatures !== false) {
      this.#options.write("Getting image source signatures\n");
    }
  }

  #draw(now: number): void {
    this.#lastDraw = now;
    let text = this.#drawn > 0 ? CURSOR_UP(this.#drawn) : "";
    for (const blob of this.#blobs.values()) {
      const what = blob.config ? "config" : "blob";
      text += `${CLEAR_LINE}Copying ${what} ${shortDigest(blob.digest)} ${barText(blob, now)}\n`;
    }
    this.#drawn = this.#blobs.size;
    this.#options.write(text);
  }
}

function shortDigest(digest: string): string {
  return digest.replace(/^[^:]+:/, "").slice(0, 12);
}

function stateText(blob: BlobState): string {
  return blob.state === "skipped" ? "skipped: already exists" : "done";
}

function barText(blob: BlobState, now: number): string {
  if (blob.state !== "running") return `${stateText(blob)}   |`;
  const fraction = blob.size > 0 ? Math.min(1, blob.bytes / blob.size) : 0;
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = "=".repeat(Math.max(0, filled - 1)) + (filled > 0 ? ">" : "") +
    "-".repeat(BAR_WIDTH - filled);
  const seconds = Math.max((now - blob.started) / 1000, 0.001);
  const total = blob.size >= 0 ? binarySize(blob.size) : "?";
  return `[${bar}] ${binarySize(blob.bytes)} / ${total} | ${
    binarySize(Math.round(blob.bytes / seconds))
  }/s`;
}
