// The gzip member header (RFC 1952, section 2.3), read incrementally: the fixed ten
// bytes and the lengths as wholes, the optional extra field, file name and comment byte
// by byte (they have no size limit), then the optional header CRC-16.

import { crc32Update } from "./crc32";
import { bitbuf, bits, need, restore, save, short } from "./inflate_input";
import { ERR_BAD_HEADER, ERR_BAD_HEADER_CRC, SHORT } from "./inflate_status";

/** `gzipHeader` result: the header is complete. */
export const GZIP_HEADER_DONE: i32 = 1;

const FHCRC: u32 = 2;
const FEXTRA: u32 = 4;
const FNAME: u32 = 8;
const FCOMMENT: u32 = 16;
const FRESERVED: u32 = 0xe0;

const H_FIXED: i32 = 0;
const H_EXTRA_LENGTH: i32 = 1;
const H_EXTRA: i32 = 2;
const H_NAME: i32 = 3;
const H_COMMENT: i32 = 4;
const H_CRC: i32 = 5;

let part: i32 = H_FIXED;
let flags: u32 = 0;
let extraLeft: u32 = 0;
let headerCrc: u32 = 0;
const SCRATCH: usize = memory.data(16, 16);

/** Forgets any header in progress. */
export function gzipHeaderReset(): void {
  part = H_FIXED;
}

function crcBytes(value: u32, n: usize): void {
  store<u32>(SCRATCH, value);
  headerCrc = crc32Update(headerCrc, SCRATCH, n);
}

/**
 * Reads as much of a member header as the input holds. Returns GZIP_HEADER_DONE, SHORT
 * (more input needed; progress is kept), or an error: `badMagic` when the first two bytes
 * are not 1f 8b, ERR_BAD_HEADER for another method than deflate or reserved flags,
 * ERR_BAD_HEADER_CRC for a wrong header CRC-16.
 */
export function gzipHeader(badMagic: i32): i32 {
  if (part == H_FIXED) {
    // Look at the magic as soon as its bytes arrive, so junk fails fast.
    if (need(8) && (<u32>bitbuf & 0xff) != 0x1f) return badMagic;
    if (need(16) && (<u32>bitbuf & 0xffff) != 0x8b1f) return badMagic;
    save();
    const magicAndMethod = bits(24);
    const flg = bits(8);
    const mtime = bits(32);
    const xflAndOs = bits(16);
    if (short) {
      restore();
      return SHORT;
    }
    if ((magicAndMethod >>> 16) != 8 || (flg & FRESERVED) != 0) return ERR_BAD_HEADER;
    flags = flg;
    headerCrc = 0;
    crcBytes(magicAndMethod | flg << 24, 4);
    crcBytes(mtime, 4);
    crcBytes(xflAndOs, 2);
    part = H_EXTRA_LENGTH;
  }
  if (part == H_EXTRA_LENGTH) {
    if (flags & FEXTRA) {
      save();
      extraLeft = bits(16);
      if (short) {
        restore();
        return SHORT;
      }
      crcBytes(extraLeft, 2);
    } else {
      extraLeft = 0;
    }
    part = H_EXTRA;
  }
  if (part == H_EXTRA) {
    while (extraLeft > 0) {
      if (!need(8)) return SHORT;
      crcBytes(bits(8), 1);
      extraLeft--;
    }
    part = H_NAME;
  }
  if (part == H_NAME) {
    if (flags & FNAME) {
      if (!skipZeroTerminated()) return SHORT;
    }
    part = H_COMMENT;
  }
  if (part == H_COMMENT) {
    if (flags & FCOMMENT) {
      if (!skipZeroTerminated()) return SHORT;
    }
    part = H_CRC;
  }
  if (flags & FHCRC) {
    if (!need(16)) return SHORT;
    const expected = bits(16);
    if (expected != (headerCrc & 0xffff)) return ERR_BAD_HEADER_CRC;
  }
  part = H_FIXED;
  return GZIP_HEADER_DONE;
}

/** Skips a zero-terminated string; false if the input ran out first. */
function skipZeroTerminated(): bool {
  while (true) {
    if (!need(8)) return false;
    const b = bits(8);
    crcBytes(b, 1);
    if (b == 0) return true;
  }
}
