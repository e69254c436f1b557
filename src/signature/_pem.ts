/**
 * PEM blocks and base64, as sigstore keys use them.
 *
 * @module
 */

/** One PEM block: its type (`PUBLIC KEY`) and decoded bytes. */
export interface PemBlock {
  /** The label between `BEGIN ` and the dashes. */
  type: string;
  /** The decoded body. */
  bytes: Uint8Array;
}

/** Decodes standard base64; `undefined` when `text` is not valid base64. */
export function fromBase64(text: string): Uint8Array | undefined {
  const clean = text.replace(/\s+/g, "");
  if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) return undefined;
  const binary = atob(clean);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Encodes bytes as standard base64. */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Every PEM block of `text`, in order; malformed blocks are skipped. */
export function decodePem(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  const pattern = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
  for (const match of text.matchAll(pattern)) {
    const body = match[2].split(/\r?\n/).filter((line) => !line.includes(":")).join("");
    const bytes = fromBase64(body);
    if (bytes !== undefined) blocks.push({ type: match[1], bytes });
  }
  return blocks;
}

/** Encodes one PEM block with 64-character lines. */
export function encodePem(type: string, bytes: Uint8Array): string {
  const body = toBase64(bytes).replace(/.{1,64}/g, "$&\n");
  return `-----BEGIN ${type}-----\n${body}-----END ${type}-----\n`;
}
