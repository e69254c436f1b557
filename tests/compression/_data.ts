// Test data for the compression tests: seeded random and text-like bytes, random chunk
// splits, stream runners, a bit writer for hand-made DEFLATE, and gzip header builders.
import { spawnSync } from "node:child_process";

/** A seeded generator (mulberry32), so a failure replays. */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A u32. */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.next() / 0x1_0000_0000) * n);
  }

  /** Incompressible bytes. */
  bytes(length: number): Uint8Array {
    const words = new Uint32Array(Math.ceil(length / 4));
    for (let i = 0; i < words.length; i++) words[i] = this.next();
    return new Uint8Array(words.buffer, 0, length);
  }

  /** Text-like bytes (words of a small vocabulary), about 3-4x compressible by gzip. */
  text(length: number): Uint8Array {
    const syllables = ["ka", "to", "ri", "men", "sa", "lo", "ve", "pin", "dor", "ax", "el", "qu"];
    const vocabulary: Uint8Array[] = [];
    for (let i = 0; i < 500; i++) {
      let word = "";
      for (let n = 1 + this.below(4); n > 0; n--) word += syllables[this.below(syllables.length)];
      vocabulary.push(new TextEncoder().encode(word + (i % 13 === 0 ? ".\n" : " ")));
    }
    const out = new Uint8Array(length);
    let offset = 0;
    while (offset < length) {
      const r = this.next() / 0x1_0000_0000;
      const word = vocabulary[Math.floor(r * r * r * vocabulary.length)];
      const n = Math.min(word.length, length - offset);
      out.set(word.subarray(0, n), offset);
      offset += n;
    }
    return out;
  }

  /** Cuts `data` into random pieces (some empty, some tiny, some large). */
  split(data: Uint8Array, maxPiece: number): Uint8Array[] {
    const pieces: Uint8Array[] = [];
    let offset = 0;
    while (offset < data.length) {
      const roll = this.below(10);
      const size = roll === 0 ? 0 : roll < 4 ? this.below(64) : this.below(maxPiece + 1);
      pieces.push(data.subarray(offset, Math.min(data.length, offset + size)));
      offset += size;
    }
    return pieces;
  }
}

/** Joins byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Writes `pieces` into `stream` while reading it; resolves with the output, or rejects. */
export async function runStream(
  stream: { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> },
  pieces: Uint8Array[],
): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  const writing = (async () => {
    for (const piece of pieces) await writer.write(piece);
    await writer.close();
  })();
  const reading = (async () => {
    const parts: Uint8Array[] = [];
    for await (const part of stream.readable) parts.push(part);
    return concat(...parts);
  })();
  const [wrote, read] = await Promise.allSettled([writing, reading]);
  if (read.status === "rejected") throw read.reason;
  if (wrote.status === "rejected") throw wrote.reason;
  return read.value;
}

/**
 * The error the reading side of `stream` fails with while `pieces` are written, or
 * undefined when the reader gets to the end (whatever the writing side says).
 */
export async function streamError(
  stream: { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> },
  pieces: Uint8Array[],
): Promise<unknown> {
  const writer = stream.writable.getWriter();
  const writing = (async () => {
    for (const piece of pieces) await writer.write(piece);
    await writer.close();
  })();
  writing.catch(() => {});
  try {
    for await (const _ of stream.readable) { /* drain */ }
    return undefined;
  } catch (error) {
    return error;
  }
}

/** CRC-32 (IEEE), bit by bit. */
export function crc32(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

/** Little-endian bytes of a u32. */
export function le32(value: number): Uint8Array {
  return new Uint8Array([value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24]);
}

/** Optional fields of a hand-built gzip header. */
export interface HeaderFields {
  extra?: Uint8Array;
  name?: string;
  comment?: string;
  headerCrc?: boolean;
  /** Corrupts the header CRC-16 when set. */
  badHeaderCrc?: boolean;
  flags?: number;
  method?: number;
}

/** A gzip member header with the given optional fields. */
export function gzipHeader(fields: HeaderFields = {}): Uint8Array {
  let flags = fields.flags ?? 0;
  if (fields.headerCrc) flags |= 2;
  if (fields.extra) flags |= 4;
  if (fields.name !== undefined) flags |= 8;
  if (fields.comment !== undefined) flags |= 16;
  const parts: Uint8Array[] = [
    new Uint8Array([0x1f, 0x8b, fields.method ?? 8, flags, 1, 2, 3, 4, 0, 3]),
  ];
  if (fields.extra) {
    parts.push(new Uint8Array([fields.extra.length & 0xff, fields.extra.length >>> 8]));
    parts.push(fields.extra);
  }
  const zeroTerminated = (s: string) => concat(new TextEncoder().encode(s), new Uint8Array([0]));
  if (fields.name !== undefined) parts.push(zeroTerminated(fields.name));
  if (fields.comment !== undefined) parts.push(zeroTerminated(fields.comment));
  let header = concat(...parts);
  if (fields.headerCrc) {
    const crc = crc32(header) ^ (fields.badHeaderCrc ? 1 : 0);
    header = concat(header, new Uint8Array([crc & 0xff, (crc >>> 8) & 0xff]));
  }
  return header;
}

/** A gzip member around raw DEFLATE `deflated`, whose content is `content`. */
export function gzipMember(deflated: Uint8Array, content: Uint8Array, fields?: HeaderFields) {
  return concat(gzipHeader(fields), deflated, le32(crc32(content)), le32(content.length));
}

/** Writes DEFLATE bit fields, least significant bit first. */
export class BitWriter {
  #bytes: number[] = [];
  #acc = 0;
  #count = 0;

  /** Appends the `n` low bits of `value`. */
  bits(value: number, n: number): this {
    for (let i = 0; i < n; i++) {
      this.#acc |= ((value >>> i) & 1) << this.#count;
      if (++this.#count === 8) this.#flush();
    }
    return this;
  }

  /** Appends a Huffman codeword `code` of `len` bits (sent most significant bit first). */
  code(code: number, len: number): this {
    for (let i = len - 1; i >= 0; i--) this.bits((code >>> i) & 1, 1);
    return this;
  }

  #flush() {
    this.#bytes.push(this.#acc);
    this.#acc = 0;
    this.#count = 0;
  }

  /** The bytes written, the last one padded with zero bits. */
  finish(): Uint8Array {
    if (this.#count > 0) this.#flush();
    return new Uint8Array(this.#bytes);
  }
}

/** Whether the command `name` can be run here. */
export function hasCommand(name: string): boolean {
  const result = spawnSync(name, ["--version"], { stdio: "ignore" });
  return result.error === undefined && result.status === 0;
}

/**
 * Runs `command` and returns its stdout; throws if it fails. (Give input as files: Deno's
 * spawnSync can deadlock feeding a large stdin to a command that writes a large stdout.)
 */
export function runCommand(command: string, args: string[]): Uint8Array {
  const result = spawnSync(command, args, {
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 1 << 30,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr?.toString()}`);
  }
  return new Uint8Array(result.stdout.buffer, result.stdout.byteOffset, result.stdout.byteLength);
}
