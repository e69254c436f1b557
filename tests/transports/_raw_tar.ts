// Hand-built tar bytes for hostile-archive tests (no library normalizes them).

export interface RawEntry {
  name: string;
  type?: string; // typeflag character
  body?: Uint8Array | string;
  linkname?: string;
}

function field(block: Uint8Array, offset: number, length: number, text: string): void {
  const bytes = new TextEncoder().encode(text);
  block.set(bytes.subarray(0, length), offset);
}

function octal(block: Uint8Array, offset: number, length: number, value: number): void {
  field(block, offset, length, value.toString(8).padStart(length - 1, "0") + "\0");
}

export function rawHeader(name: string, type: string, size: number, linkname = ""): Uint8Array {
  const block = new Uint8Array(512);
  field(block, 0, 100, name);
  octal(block, 100, 8, 0o644);
  octal(block, 108, 8, 0);
  octal(block, 116, 8, 0);
  octal(block, 124, 12, size);
  octal(block, 136, 12, 0);
  field(block, 148, 8, "        ");
  field(block, 156, 1, type);
  field(block, 157, 100, linkname);
  field(block, 257, 6, "ustar\0");
  field(block, 263, 2, "00");
  let sum = 0;
  for (const byte of block) sum += byte;
  field(block, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  return block;
}

export function rawTar(entries: RawEntry[], options: { end?: boolean } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const entry of entries) {
    const body = typeof entry.body === "string"
      ? new TextEncoder().encode(entry.body)
      : entry.body ?? new Uint8Array(0);
    parts.push(rawHeader(entry.name, entry.type ?? "0", body.length, entry.linkname));
    parts.push(body, new Uint8Array(-body.length & 511));
  }
  if (options.end ?? true) parts.push(new Uint8Array(1024));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = body.length;
  while (String(length).length + body.length !== length) {
    length = String(length).length + body.length;
  }
  return `${length}${body}`;
}
