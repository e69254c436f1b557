// Huffman decode tables for the inflate kernel (RFC 1951, section 3.2).
//
// A table is an array of u32 entries indexed by the next `root` bits of the stream (bits
// come least-significant first, so codewords are stored bit-reversed). Codes longer than
// `root` bits go through a link entry to a second-level table indexed by the following
// bits. An entry is laid out as:
//
//   bits  0..7   bits to consume at this level, extra bits included (link: `root`)
//   bits  8..11  codeword bits at this level, where the extra bits start (link: sub-table
//                index bits)
//   bit  13      INVALID: an unused codeword, or a symbol the format forbids
//   bit  14      EOB: the end-of-block symbol
//   bit  15      LINK: go to the sub-table at `value`
//   bits 16..30  value: literal byte, length base, distance base, code-length symbol, or
//                sub-table offset (in entries)
//   bit  31      LITERAL (litlen tables only), so a literal tests as a negative i32

export const ENTRY_INVALID: u32 = 1 << 13;
export const ENTRY_EOB: u32 = 1 << 14;
export const ENTRY_LINK: u32 = 1 << 15;
export const ENTRY_LITERAL: u32 = 1 << 31;

/** What the symbols of a table mean. */
export const KIND_LITLEN: i32 = 0;
export const KIND_DIST: i32 = 1;
export const KIND_CODELEN: i32 = 2;

/** Index bits of the first level, per kind. */
export const LITLEN_ROOT: u32 = 11;
export const DIST_ROOT: u32 = 8;
export const CODELEN_ROOT: u32 = 7;

/** Entries reserved per table: enough for any valid code with these roots. */
export const LITLEN_ENTRIES: usize = 4096;
export const DIST_ENTRIES: usize = 1024;
export const CODELEN_ENTRIES: usize = 128;

/** Length bases (symbols 257..285) and their extra bits, packed as base | extra << 16. */
const LENGTH_INFO: usize = memory.data<u32>([
  3, 4, 5, 6, 7, 8, 9, 10,
  11 | 1 << 16, 13 | 1 << 16, 15 | 1 << 16, 17 | 1 << 16,
  19 | 2 << 16, 23 | 2 << 16, 27 | 2 << 16, 31 | 2 << 16,
  35 | 3 << 16, 43 | 3 << 16, 51 | 3 << 16, 59 | 3 << 16,
  67 | 4 << 16, 83 | 4 << 16, 99 | 4 << 16, 115 | 4 << 16,
  131 | 5 << 16, 163 | 5 << 16, 195 | 5 << 16, 227 | 5 << 16,
  258,
]);

/** Distance bases (symbols 0..29) and their extra bits, packed as base | extra << 16. */
const DIST_INFO: usize = memory.data<u32>([
  1, 2, 3, 4, 5 | 1 << 16, 7 | 1 << 16,
  9 | 2 << 16, 13 | 2 << 16, 17 | 3 << 16, 25 | 3 << 16,
  33 | 4 << 16, 49 | 4 << 16, 65 | 5 << 16, 97 | 5 << 16,
  129 | 6 << 16, 193 | 6 << 16, 257 | 7 << 16, 385 | 7 << 16,
  513 | 8 << 16, 769 | 8 << 16, 1025 | 9 << 16, 1537 | 9 << 16,
  2049 | 10 << 16, 3073 | 10 << 16, 4097 | 11 << 16, 6145 | 11 << 16,
  8193 | 12 << 16, 12289 | 12 << 16, 16385 | 13 << 16, 24577 | 13 << 16,
]);

/** Scratch: codes per length, then the next codeword per length (16 u32 each). */
const COUNTS: usize = memory.data(16 * 4, 16);
const NEXT_CODE: usize = memory.data(16 * 4, 16);
/** Scratch: symbols sorted by (length, symbol), up to 320 u16. */
const SORTED: usize = memory.data(320 * 2, 16);

/** The entry for `sym` of a code of kind `kind`, with `len` codeword bits at its level. */
// @ts-ignore: decorator
@inline function symbolEntry(kind: i32, sym: u32, len: u32): u32 {
  if (kind == KIND_CODELEN) return sym << 16 | len << 8 | len;
  if (kind == KIND_DIST) {
    if (sym >= 30) return ENTRY_INVALID | len << 8 | len;
    const info = load<u32>(DIST_INFO + (<usize>sym << 2));
    return (info & 0xffff) << 16 | len << 8 | (len + (info >>> 16));
  }
  if (sym < 256) return ENTRY_LITERAL | sym << 16 | len << 8 | len;
  if (sym == 256) return ENTRY_EOB | len << 8 | len;
  if (sym >= 286) return ENTRY_INVALID | len << 8 | len;
  const info = load<u32>(LENGTH_INFO + (<usize>(sym - 257) << 2));
  return (info & 0xffff) << 16 | len << 8 | (len + (info >>> 16));
}

/** Reverses the low `len` bits of `code`. */
// @ts-ignore: decorator
@inline function reverseBits(code: u32, len: u32): u32 {
  let rev: u32 = 0;
  for (let i: u32 = 0; i < len; i++) {
    rev = rev << 1 | (code & 1);
    code >>>= 1;
  }
  return rev;
}

/** Stores `entry` in `table` at `first`, `first + step`, ... below `end`. */
// @ts-ignore: decorator
@inline function replicate(table: usize, first: u32, step: u32, end: u32, entry: u32): void {
  for (let i = first; i < end; i += step) store<u32>(table + (<usize>i << 2), entry);
}

/**
 * Builds the decode table of kind `kind` at `table` from `n` code lengths (bytes at
 * `lens`), with `root` first-level bits. Returns false if the lengths do not form a valid
 * prefix code: over-subscribed, or incomplete (allowed for literal/length and distance
 * codes only when a single codeword of one bit is used, or none at all for distances).
 */
export function buildTable(lens: usize, n: u32, table: usize, root: u32, kind: i32): bool {
  memory.fill(COUNTS, 0, 16 * 4);
  for (let s: u32 = 0; s < n; s++) {
    const len = <usize>load<u8>(lens + s);
    store<u32>(COUNTS + (len << 2), load<u32>(COUNTS + (len << 2)) + 1);
  }
  store<u32>(COUNTS, 0);
  let maxLen: u32 = 0;
  let left: i32 = 1;
  for (let len: u32 = 1; len <= 15; len++) {
    const count = load<u32>(COUNTS + (<usize>len << 2));
    left = (left << 1) - <i32>count;
    if (left < 0) return false;
    if (count != 0) maxLen = len;
  }
  const size: u32 = 1 << root;
  if (left > 0) {
    if (kind == KIND_CODELEN || maxLen > 1) return false;
    // No codeword, or a single one-bit codeword: unused slots decode as invalid.
    replicate(table, 0, 1, size, ENTRY_INVALID | root << 8 | root);
    if (maxLen == 0) return kind == KIND_DIST;
  }
  // Canonical codes: the first codeword of each length, then symbols sorted by length.
  let offset: u32 = 0;
  for (let len: u32 = 1; len <= 15; len++) {
    store<u32>(NEXT_CODE + (<usize>len << 2), offset);
    const count = load<u32>(COUNTS + (<usize>len << 2));
    offset += count;
  }
  for (let s: u32 = 0; s < n; s++) {
    const len = <usize>load<u8>(lens + s);
    if (len == 0) continue;
    const at = load<u32>(NEXT_CODE + (len << 2));
    store<u16>(SORTED + (<usize>at << 1), <u16>s);
    store<u32>(NEXT_CODE + (len << 2), at + 1);
  }
  const total = offset;
  // Walk the symbols in canonical order; `code` is the running codeword (MSB first).
  let code: u32 = 0;
  let len: u32 = 0;
  let remainingAtLen: u32 = 0;
  let subEnd: u32 = size; // entries used so far (first level, then sub-tables)
  let subPrefix: u32 = 0xffffffff;
  let subBase: u32 = 0;
  let subBits: u32 = 0;
  for (let i: u32 = 0; i < total; i++) {
    while (remainingAtLen == 0) {
      code <<= 1;
      len++;
      remainingAtLen = load<u32>(COUNTS + (<usize>len << 2));
    }
    const sym = <u32>load<u16>(SORTED + (<usize>i << 1));
    const rev = reverseBits(code, len);
    if (len <= root) {
      replicate(table, rev, 1 << len, size, symbolEntry(kind, sym, len));
    } else {
      const prefix = rev & (size - 1);
      if (prefix != subPrefix) {
        // A new sub-table: wide enough for the codes that share this prefix. Codes not
        // yet placed at each length are COUNTS[l] minus those already done.
        subPrefix = prefix;
        subBits = len - root;
        let room: i32 = 1 << subBits;
        room -= <i32>remainingAtLen;
        while (room > 0 && subBits + root < maxLen) {
          subBits++;
          room = (room << 1) - <i32>load<u32>(COUNTS + (<usize>(subBits + root) << 2));
        }
        subBase = subEnd;
        subEnd += 1 << subBits;
        store<u32>(table + (<usize>prefix << 2), ENTRY_LINK | subBase << 16 | subBits << 8 | root);
      }
      const subLen = len - root;
      replicate(
        table + (<usize>subBase << 2),
        rev >>> root,
        1 << subLen,
        1 << subBits,
        symbolEntry(kind, sym, subLen),
      );
    }
    code++;
    remainingAtLen--;
  }
  return true;
}

/** Builds the fixed literal/length and distance tables of block type 01. */
export function buildFixedTables(litTable: usize, distTable: usize, scratch: usize): void {
  for (let s: usize = 0; s < 288; s++) {
    store<u8>(scratch + s, s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8);
  }
  buildTable(scratch, 288, litTable, LITLEN_ROOT, KIND_LITLEN);
  memory.fill(scratch, 5, 32);
  buildTable(scratch, 32, distTable, DIST_ROOT, KIND_DIST);
}
