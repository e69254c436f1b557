/**
 * The media type an artifact layer gets when none is given, as libimage guesses it: from
 * the file name's extension (a fixed table: Go's built-in one and a few common types),
 * else from the first 512 bytes (a subset of the WHATWG sniffing rules Go's
 * `http.DetectContentType` follows: well-known signatures, then text or binary). Media
 * type parameters (`; charset=utf-8`) are dropped.
 *
 * @module
 */

/** How many leading bytes the content sniffing looks at. */
export const SNIFF_BYTES = 512;

const BY_EXTENSION: Record<string, string> = {
  ".avif": "image/avif",
  ".css": "text/css",
  ".gif": "image/gif",
  ".gz": "application/gzip",
  ".htm": "text/html",
  ".html": "text/html",
  ".jpeg": "image/jpeg",
  ".jpg": "image/jpeg",
  ".js": "text/javascript",
  ".json": "application/json",
  ".md": "text/markdown",
  ".mjs": "text/javascript",
  ".pdf": "application/pdf",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".tar": "application/x-tar",
  ".txt": "text/plain",
  ".wasm": "application/wasm",
  ".webp": "image/webp",
  ".xml": "text/xml",
  ".zip": "application/zip",
};

/** Byte signatures at offset 0, first match wins. */
const SIGNATURES: [number[], string][] = [
  [[0x25, 0x50, 0x44, 0x46, 0x2d], "application/pdf"], // %PDF-
  [[0x25, 0x21, 0x50, 0x53, 0x2d, 0x41, 0x64, 0x6f, 0x62, 0x65, 0x2d], "application/postscript"],
  [[0xfe, 0xff], "text/plain"], // UTF-16BE BOM
  [[0xff, 0xfe], "text/plain"], // UTF-16LE BOM
  [[0xef, 0xbb, 0xbf], "text/plain"], // UTF-8 BOM
  [[0x47, 0x49, 0x46, 0x38, 0x37, 0x61], "image/gif"],
  [[0x47, 0x49, 0x46, 0x38, 0x39, 0x61], "image/gif"],
  [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "image/png"],
  [[0xff, 0xd8, 0xff], "image/jpeg"],
  [[0x42, 0x4d], "image/bmp"],
  [[0x4f, 0x67, 0x67, 0x53, 0x00], "application/ogg"],
  [[0x1f, 0x8b, 0x08], "application/x-gzip"],
  [[0x50, 0x4b, 0x03, 0x04], "application/zip"],
  [[0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00], "application/x-rar-compressed"],
  [[0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00], "application/x-rar-compressed"],
  [[0x00, 0x61, 0x73, 0x6d], "application/wasm"],
];

/** Tags that make leading text HTML (case-insensitive, followed by a space or `>`). */
const HTML_TAGS = [
  "<!doctype html",
  "<html",
  "<head",
  "<script",
  "<iframe",
  "<h1",
  "<div",
  "<font",
  "<table",
  "<a",
  "<style",
  "<title",
  "<b",
  "<body",
  "<br",
  "<p",
  "<!--",
];

function startsWith(bytes: Uint8Array, signature: number[]): boolean {
  return bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b);
}

/** A byte no text file holds (the WHATWG "binary data byte"). */
function isBinaryByte(b: number): boolean {
  return b <= 0x08 || b === 0x0b || (b >= 0x0e && b <= 0x1a) || (b >= 0x1c && b <= 0x1f);
}

/** The media type the first bytes of a file suggest. */
export function sniffMediaType(head: Uint8Array): string {
  const bytes = head.subarray(0, SNIFF_BYTES);
  let start = 0;
  while (start < bytes.length && [0x09, 0x0a, 0x0c, 0x0d, 0x20].includes(bytes[start])) start++;
  const text = new TextDecoder("latin1").decode(bytes.subarray(start, start + 16)).toLowerCase();
  for (const tag of HTML_TAGS) {
    const next = text.charAt(tag.length);
    if (text.startsWith(tag) && (next === " " || next === ">")) return "text/html";
  }
  if (text.startsWith("<?xml")) return "text/xml";
  for (const [signature, type] of SIGNATURES) if (startsWith(bytes, signature)) return type;
  if (
    startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) &&
    new TextDecoder("latin1").decode(bytes.subarray(8, 14)) === "WEBPVP"
  ) return "image/webp";
  return bytes.some(isBinaryByte) ? "application/octet-stream" : "text/plain";
}

/**
 * The media type of an artifact file named `name` whose first bytes are `head`: by its
 * extension when the table knows it, else sniffed.
 */
export function guessMediaType(name: string, head: Uint8Array): string {
  const base = name.slice(name.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  if (dot >= 0) {
    const known = BY_EXTENSION[base.slice(dot).toLowerCase()];
    if (known !== undefined) return known;
  }
  return sniffMediaType(head);
}
