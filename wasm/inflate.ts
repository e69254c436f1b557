// Streaming inflate: raw DEFLATE (RFC 1951) and gzip (RFC 1952, concatenated members),
// in bounded memory whatever the input size. One decoder per instance.
//
// The host calls `reset(gzip)`, then repeatedly: `inputSpace()` (compacts the input
// buffer and returns its free room), writes up to that many bytes at `inputEnd()`,
// `inputCommit(n)`, then `decode(final)` until it returns NEED_INPUT, copying the output
// at `outputPtr()` (`outputLen()` bytes) and calling `outputConsumed()` after every call.
// `final` says no more input will come. Status codes are in lib/inflate_status.ts;
// errors are sticky until the next reset.
//
// Output is written straight into a buffer that also serves as the 32 KiB window: when
// it fills up, the last 32 KiB slide to its front. Structures that must be read whole
// (block headers with their code tables, stored-block lengths, the gzip header and
// trailer) are parsed as transactions: when input runs short the bit reader is rolled
// back and the decoder asks for more. The literal/length loop runs without bound checks
// while at least 16 input bytes and 270 output bytes of room remain, and one symbol at a
// time, checking everything, near the ends.
//
// The CRC-32 of the output (checked against each gzip member's trailer) is computed here,
// or, after `useHostCrc(true)`, by the host's `env.crc32(crc, ptr, len)` import: native
// CRC-32 code (carry-less multiplication) runs 2-10x faster than this table-driven one.

import { crc32Update } from "./lib/crc32";
import {
  buildFixedTables,
  buildTable,
  CODELEN_ENTRIES,
  CODELEN_ROOT,
  DIST_ENTRIES,
  DIST_ROOT,
  KIND_CODELEN,
  KIND_DIST,
  KIND_LITLEN,
  LITLEN_ENTRIES,
  LITLEN_ROOT,
} from "./lib/inflate_tables";
import { GZIP_HEADER_DONE, gzipHeader, gzipHeaderReset } from "./lib/inflate_gzip";
import * as Codes from "./lib/inflate_codes";
import { decodeFast, decodeSlow, FAST_IN } from "./lib/inflate_codes";
import * as In from "./lib/inflate_input";
import {
  alignToByte,
  bits,
  consume,
  fill,
  IN_CAP,
  inputCompact,
  inputReset,
  need,
  restore,
  save,
} from "./lib/inflate_input";
import {
  CONTINUE,
  DONE,
  END_OF_BLOCK,
  ERR_BAD_BLOCK_TYPE,
  ERR_BAD_CODES,
  ERR_BAD_CRC,
  ERR_BAD_HEADER,
  ERR_BAD_LENGTH,
  ERR_STORED_LENGTH,
  ERR_TRAILING,
  ERR_TRUNCATED,
  LIMITS,
  NEED_INPUT,
  OUTPUT_FULL,
  SHORT,
} from "./lib/inflate_status";

// Decoder states.
const S_GZIP_HEADER: i32 = 0;
const S_BLOCK: i32 = 1;
const S_STORED: i32 = 2;
const S_CODES: i32 = 3;
const S_END: i32 = 4;
const S_TRAILER: i32 = 5;
const S_NEXT: i32 = 6;
const S_ZEROS: i32 = 7;
const S_RAW_TAIL: i32 = 8;
const S_DONE: i32 = 9;
const S_ERROR: i32 = 10;

// Memory layout, after the static data.
const WINDOW: usize = 32 << 10;
const OUT_CAP: usize = 256 << 10;
const SLACK: usize = 64;
const FAST_OUT: usize = 270;
const MAX_MATCH: usize = 258;

const BASE: usize = (__heap_base + 63) & ~(<usize>63);
const FIXED_LIT: usize = BASE;
const FIXED_DIST: usize = FIXED_LIT + (<usize>1 << LITLEN_ROOT) * 4;
const DYN_LIT: usize = FIXED_DIST + (<usize>1 << DIST_ROOT) * 4;
const DYN_DIST: usize = DYN_LIT + LITLEN_ENTRIES * 4;
const CL_TABLE: usize = DYN_DIST + DIST_ENTRIES * 4;
const LENS: usize = CL_TABLE + CODELEN_ENTRIES * 4;
const IN_BUF: usize = LENS + 384;
const OUT_BUF: usize = IN_BUF + IN_CAP + SLACK;
const OUT_END: usize = OUT_BUF + WINDOW + OUT_CAP;
const MEM_END: usize = OUT_END + SLACK;

/** The order code-length code lengths are sent in. */
const CL_ORDER: usize = memory.data<u8>([
  16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
]);

{
  const have = <usize>memory.size() << 16;
  if (MEM_END > have && memory.grow(<i32>((MEM_END - have + 0xffff) >>> 16)) < 0) {
    unreachable();
  }
  buildFixedTables(FIXED_LIT, FIXED_DIST, LENS);
}

/** The host's CRC-32 over `len` bytes at `ptr`, continuing `crc` (0 for a new stream). */
// @ts-ignore: decorator
@external("env", "crc32")
declare function hostCrc32(crc: u32, ptr: usize, len: usize): u32;

/** Whether the output's CRC-32 comes from the host (see `useHostCrc`). */
let hostCrc = false;

/** Makes the host's `env.crc32` (true) or this module (false) compute the output's CRC-32. */
export function useHostCrc(on: bool): void {
  hostCrc = on;
}

// Decoder state.
let gzip = false;
let state: i32 = S_BLOCK;
let errorCode: i32 = 0;
let lastBlock = false;
let outP: usize = OUT_BUF;
let readPos: usize = OUT_BUF;
let crcPos: usize = OUT_BUF;
let histStart: usize = OUT_BUF;
let litTable: usize = FIXED_LIT;
let distTable: usize = FIXED_DIST;
let storedLeft: u32 = 0;
let crc: u32 = 0;
let isize: u32 = 0;
let members: u32 = 0;

inputReset(IN_BUF);

/** Starts a new stream: gzip (any number of members) or raw DEFLATE. */
export function reset(gzipMode: bool): void {
  gzip = gzipMode;
  state = gzipMode ? S_GZIP_HEADER : S_BLOCK;
  errorCode = 0;
  lastBlock = false;
  inputReset(IN_BUF);
  gzipHeaderReset();
  outP = OUT_BUF;
  readPos = OUT_BUF;
  crcPos = OUT_BUF;
  histStart = OUT_BUF;
  crc = 0;
  isize = 0;
  members = 0;
}

/** Moves unread input to the front of the input buffer and returns the free room. */
export function inputSpace(): usize {
  return inputCompact();
}

/** Where the host writes the next input bytes. */
export function inputEnd(): usize {
  return In.inEnd;
}

export { inputCommit, inputLeft } from "./lib/inflate_input";

/** The decoded bytes the host has not taken yet. */
export function outputPtr(): usize {
  return readPos;
}

/** How many decoded bytes wait at `outputPtr()`. */
export function outputLen(): usize {
  return outP - readPos;
}

/** Declares all waiting output taken. */
export function outputConsumed(): void {
  readPos = outP;
}

/** Decodes as far as input and output room allow; returns a status code. */
export function decode(final: bool): i32 {
  if (state == S_ERROR) return errorCode;
  if (readPos == outP && OUT_END - outP < OUT_CAP / 2) slide();
  const status = run(final);
  if (gzip) updateCrc();
  return status;
}

/** Keeps the last 32 KiB of output at the front of the output buffer. */
function slide(): void {
  if (gzip) updateCrc();
  const shift = outP - WINDOW - OUT_BUF;
  memory.copy(OUT_BUF, outP - WINDOW, WINDOW);
  outP -= shift;
  readPos = outP;
  crcPos = outP;
  histStart = histStart > OUT_BUF + shift ? histStart - shift : OUT_BUF;
}

function updateCrc(): void {
  const n = outP - crcPos;
  if (n == 0) return;
  crc = hostCrc ? hostCrc32(crc, crcPos, n) : crc32Update(crc, crcPos, n);
  isize += <u32>n;
  crcPos = outP;
}

function fail(code: i32): i32 {
  state = S_ERROR;
  errorCode = code;
  return code;
}

function starve(final: bool): i32 {
  return final ? fail(ERR_TRUNCATED) : NEED_INPUT;
}

function restoreAndStarve(final: bool): i32 {
  restore();
  return starve(final);
}

function run(final: bool): i32 {
  while (true) {
    let r: i32;
    switch (state) {
      case S_GZIP_HEADER: {
        r = member(final);
        break;
      }
      case S_BLOCK: {
        r = blockHeader(final);
        break;
      }
      case S_STORED: {
        r = stored(final);
        break;
      }
      case S_CODES: {
        r = codes(final);
        break;
      }
      case S_END: {
        alignToByte();
        state = gzip ? S_TRAILER : S_RAW_TAIL;
        r = CONTINUE;
        break;
      }
      case S_TRAILER: {
        r = trailer(final);
        break;
      }
      case S_NEXT:
      case S_ZEROS: {
        r = between(final);
        break;
      }
      case S_RAW_TAIL: {
        if (need(8)) return fail(ERR_TRAILING);
        if (!final) return NEED_INPUT;
        state = S_DONE;
        return DONE;
      }
      case S_DONE:
        return DONE;
      default:
        return errorCode;
    }
    if (r != CONTINUE) return r;
  }
}

/** Reads a gzip member header and starts the member. */
function member(final: bool): i32 {
  const r = gzipHeader(members == 0 ? ERR_BAD_HEADER : ERR_TRAILING);
  if (r == SHORT) return starve(final);
  if (r != GZIP_HEADER_DONE) return fail(r);
  members++;
  updateCrc();
  crc = 0;
  isize = 0;
  histStart = outP;
  state = S_BLOCK;
  return CONTINUE;
}

/** Reads a block header: stored lengths, or the code tables of a dynamic block. */
function blockHeader(final: bool): i32 {
  save();
  const header = bits(3);
  if (In.short) return restoreAndStarve(final);
  lastBlock = (header & 1) != 0;
  const type = header >>> 1;
  if (type == 0) {
    alignToByte();
    const len = bits(16);
    const nlen = bits(16);
    if (In.short) return restoreAndStarve(final);
    if (len != (~nlen & 0xffff)) return fail(ERR_STORED_LENGTH);
    storedLeft = len;
    state = S_STORED;
  } else if (type == 1) {
    litTable = FIXED_LIT;
    distTable = FIXED_DIST;
    state = S_CODES;
  } else if (type == 2) {
    const r = dynamicHeader();
    if (r == SHORT) return restoreAndStarve(final);
    if (r < 0) return fail(r);
    litTable = DYN_LIT;
    distTable = DYN_DIST;
    state = S_CODES;
  } else {
    return fail(ERR_BAD_BLOCK_TYPE);
  }
  return CONTINUE;
}

/** Reads the code tables of a dynamic block; 0, SHORT or an error code. */
function dynamicHeader(): i32 {
  const nlit = bits(5) + 257;
  const ndist = bits(5) + 1;
  const nclen = bits(4) + 4;
  if (In.short) return SHORT;
  if (nlit > 286 || ndist > 30) return ERR_BAD_CODES;
  memory.fill(LENS, 0, 19);
  for (let i: u32 = 0; i < nclen; i++) {
    store<u8>(LENS + <usize>load<u8>(CL_ORDER + i), <u8>bits(3));
  }
  if (In.short) return SHORT;
  if (!buildTable(LENS, 19, CL_TABLE, CODELEN_ROOT, KIND_CODELEN)) return ERR_BAD_CODES;
  const n = nlit + ndist;
  let i: u32 = 0;
  while (i < n) {
    fill();
    const e = load<u32>(CL_TABLE + ((<usize>In.bitbuf & 127) << 2));
    const len = e & 0xff;
    if (len > In.bitcnt) return SHORT;
    consume(len);
    const sym = e >>> 16;
    if (sym < 16) {
      store<u8>(LENS + i, <u8>sym);
      i++;
      continue;
    }
    let value: u8 = 0;
    let repeat: u32;
    if (sym == 16) {
      if (i == 0) return ERR_BAD_CODES;
      value = load<u8>(LENS + i - 1);
      repeat = 3 + bits(2);
    } else if (sym == 17) {
      repeat = 3 + bits(3);
    } else {
      repeat = 11 + bits(7);
    }
    if (In.short) return SHORT;
    if (i + repeat > n) return ERR_BAD_CODES;
    memory.fill(LENS + i, value, repeat);
    i += repeat;
  }
  if (load<u8>(LENS + 256) == 0) return ERR_BAD_CODES;
  if (!buildTable(LENS, nlit, DYN_LIT, LITLEN_ROOT, KIND_LITLEN)) return ERR_BAD_CODES;
  if (!buildTable(LENS + nlit, ndist, DYN_DIST, DIST_ROOT, KIND_DIST)) return ERR_BAD_CODES;
  return 0;
}

/** Copies a stored block's bytes as input and output room allow. */
function stored(final: bool): i32 {
  while (storedLeft > 0) {
    let room = OUT_END - outP;
    if (room == 0) return OUTPUT_FULL;
    if (room > <usize>storedLeft) room = <usize>storedLeft;
    const n = In.copyBytes(outP, room);
    outP += n;
    storedLeft -= <u32>n;
    if (n == 0) return starve(final);
  }
  state = lastBlock ? S_END : S_BLOCK;
  return CONTINUE;
}

/** Reads and checks the gzip trailer: CRC-32 and length mod 2^32. */
function trailer(final: bool): i32 {
  save();
  const expectedCrc = bits(32);
  const expectedSize = bits(32);
  if (In.short) return restoreAndStarve(final);
  updateCrc();
  if (expectedCrc != crc) return fail(ERR_BAD_CRC);
  if (expectedSize != isize) return fail(ERR_BAD_LENGTH);
  state = S_NEXT;
  return CONTINUE;
}

/** After a gzip member: another member, zero bytes (padding, ignored), or the end. */
function between(final: bool): i32 {
  while (true) {
    if (!need(8)) {
      if (!final) return NEED_INPUT;
      state = S_DONE;
      return DONE;
    }
    const b = <u32>In.bitbuf & 0xff;
    if (state == S_NEXT && b == 0x1f) {
      state = S_GZIP_HEADER;
      return CONTINUE;
    }
    if (b != 0) return fail(ERR_TRAILING);
    state = S_ZEROS;
    consume(8);
  }
}

/** Decodes literal/length symbols until the end of the block or of input or room. */
function codes(final: bool): i32 {
  while (true) {
    let r: i32;
    if (In.inEnd - In.inP >= FAST_IN && OUT_END - outP >= FAST_OUT) {
      r = decodeFast(litTable, distTable, histStart, outP, OUT_END - FAST_OUT);
      outP = Codes.out;
      if (r != LIMITS) return afterSymbols(r);
    }
    if (OUT_END - outP < MAX_MATCH) return OUTPUT_FULL;
    r = decodeSlow(litTable, distTable, histStart, outP);
    outP = Codes.out;
    if (r == SHORT) return starve(final);
    if (r != CONTINUE) return afterSymbols(r);
  }
}

function afterSymbols(r: i32): i32 {
  if (r != END_OF_BLOCK) return fail(r);
  state = lastBlock ? S_END : S_BLOCK;
  return CONTINUE;
}
