/**
 * Recognizes compressed data by its first bytes.
 *
 * @module
 */

/** A compression format stevedore can recognize; `"none"` when no magic matches. */
export type CompressionKind = "gzip" | "zstd" | "bzip2" | "xz" | "none";

/** How many leading bytes {@linkcode sniffCompression} may look at. */
export const SNIFF_LENGTH = 6;

const MAGICS: ReadonlyArray<readonly [Exclude<CompressionKind, "none">, readonly number[]]> = [
  ["gzip", [0x1f, 0x8b]],
  ["zstd", [0x28, 0xb5, 0x2f, 0xfd]],
  ["bzip2", [0x42, 0x5a, 0x68]], // "BZh"
  ["xz", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
];

/**
 * The compression format of data starting with `bytes`, by magic number (the same magics
 * containers/image checks). Give at least {@linkcode SNIFF_LENGTH} bytes when there are
 * that many; shorter data that cannot hold a magic is `"none"`.
 *
 * @example
 * ```ts
 * import { sniffCompression } from "./sniff.ts";
 * sniffCompression(new Uint8Array([0x1f, 0x8b, 8, 0])); // "gzip"
 * ```
 */
export function sniffCompression(bytes: Uint8Array): CompressionKind {
  for (const [kind, magic] of MAGICS) {
    if (bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b)) return kind;
  }
  return "none";
}
