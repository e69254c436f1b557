// deno-fmt-ignore-file
// CRC-32 as used by gzip, zip and PNG (IEEE 802.3, reflected polynomial 0xEDB88320),
// an AssemblyScript library shared by the kernels that need it (crc32, inflate).
//
// Slicing-by-16: 16 tables of 256 words, built on first use, let the main loop fold 16
// input bytes per step with 16 independent table look-ups.
//
// Use: `import { crc32Update } from "./lib/crc32";` then
//      `crc = crc32Update(crc, ptr, len)`, starting from crc = 0 for a new stream.

/** The 16 slicing tables, 16 x 256 x u32 = 16 KiB, table k at offset k * 1024. */
const CRC_TABLES: usize = memory.data(16 * 256 * 4, 64);

let crcTablesReady = false;

/** Fills the slicing tables; cheap (a few microseconds) and done once. */
export function crc32Init(): void {
  if (crcTablesReady) return;
  for (let n: u32 = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    store<u32>(CRC_TABLES + (<usize> n << 2), c);
  }
  for (let n: usize = 0; n < 256; n++) {
    let c = load<u32>(CRC_TABLES + (n << 2));
    for (let k: usize = 1; k < 16; k++) {
      c = load<u32>(CRC_TABLES + ((<usize> (c & 0xff)) << 2)) ^ (c >>> 8);
      store<u32>(CRC_TABLES + (k << 10) + (n << 2), c);
    }
  }
  crcTablesReady = true;
}

// @ts-ignore: decorator
@inline function tab(k: usize, i: u32): u32 {
  return load<u32>(CRC_TABLES + (k << 10) + (<usize> i << 2));
}

/**
 * Continues the CRC-32 `crc` (0 for a new stream; the finished value of the bytes so far
 * otherwise) over `len` bytes at `ptr`, and returns the finished CRC-32 of all of them.
 */
export function crc32Update(crc: u32, ptr: usize, len: usize): u32 {
  if (!crcTablesReady) crc32Init();
  let c = ~crc;
  let p = ptr;
  const end = ptr + len;
  while (p + 16 <= end) {
    const a = load<u32>(p) ^ c;
    const b = load<u32>(p, 4);
    const d = load<u32>(p, 8);
    const e = load<u32>(p, 12);
    c = tab(15, a & 0xff) ^ tab(14, (a >>> 8) & 0xff) ^ tab(13, (a >>> 16) & 0xff) ^
      tab(12, a >>> 24) ^
      tab(11, b & 0xff) ^ tab(10, (b >>> 8) & 0xff) ^ tab(9, (b >>> 16) & 0xff) ^
      tab(8, b >>> 24) ^
      tab(7, d & 0xff) ^ tab(6, (d >>> 8) & 0xff) ^ tab(5, (d >>> 16) & 0xff) ^
      tab(4, d >>> 24) ^
      tab(3, e & 0xff) ^ tab(2, (e >>> 8) & 0xff) ^ tab(1, (e >>> 16) & 0xff) ^ tab(0, e >>> 24);
    p += 16;
  }
  while (p < end) {
    c = tab(0, (c ^ <u32> load<u8>(p)) & 0xff) ^ (c >>> 8);
    p++;
  }
  return ~c;
}
