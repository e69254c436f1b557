// The literal/length and distance symbols of a compressed block (RFC 1951, 3.2.5): an
// unchecked loop for when input and output room are plentiful, and a careful one-symbol
// decoder for the ends of the buffers.

import * as In from "./inflate_input";
import { consume, fill } from "./inflate_input";
import {
  DIST_ROOT,
  ENTRY_EOB,
  ENTRY_INVALID,
  ENTRY_LINK,
  LITLEN_ROOT,
} from "./inflate_tables";
import {
  CONTINUE,
  END_OF_BLOCK,
  ERR_BAD_SYMBOL,
  ERR_DISTANCE,
  LIMITS,
  SHORT,
} from "./inflate_status";

/** Input bytes the unchecked loop needs ahead: two refills of 8-byte loads. */
export const FAST_IN: usize = 16;
const LIT_MASK: usize = (1 << LITLEN_ROOT) - 1;

/** The output position after a call. */
export let out: usize = 0;

/**
 * Decodes one literal/length symbol (and its distance) with every check, writing at `op`
 * (at least 258 bytes of room). Returns CONTINUE, END_OF_BLOCK, SHORT (nothing consumed)
 * or an error; leaves the output position in `out`.
 */
export function decodeSlow(litTable: usize, distTable: usize, histStart: usize, op: usize): i32 {
  out = op;
  fill();
  let bb = In.bitbuf;
  const avail = In.bitcnt;
  let e = load<u32>(litTable + ((<usize>bb & ((1 << LITLEN_ROOT) - 1)) << 2));
  let used: u32 = 0;
  if (e & ENTRY_LINK) {
    used = LITLEN_ROOT;
    bb >>= LITLEN_ROOT;
    e = load<u32>(litTable + ((<usize>(e >>> 16) + (<usize>bb & ((1 << ((e >>> 8) & 15)) - 1))) << 2));
  }
  let total = e & 0xff;
  if (used + total > avail) return SHORT;
  if (e & ENTRY_INVALID) return ERR_BAD_SYMBOL;
  if (<i32>e < 0) {
    store<u8>(out, <u8>(e >>> 16));
    out++;
    consume(used + total);
    return CONTINUE;
  }
  if (e & ENTRY_EOB) {
    consume(used + total);
    return END_OF_BLOCK;
  }
  const len = (e >>> 16) + ((<u32>bb & ((1 << total) - 1)) >>> ((e >>> 8) & 15));
  used += total;
  bb = In.bitbuf >> used;
  e = load<u32>(distTable + ((<usize>bb & ((1 << DIST_ROOT) - 1)) << 2));
  if (e & ENTRY_LINK) {
    used += DIST_ROOT;
    bb >>= DIST_ROOT;
    e = load<u32>(distTable + ((<usize>(e >>> 16) + (<usize>bb & ((1 << ((e >>> 8) & 15)) - 1))) << 2));
  }
  total = e & 0xff;
  if (used + total > avail) return SHORT;
  if (e & ENTRY_INVALID) return ERR_BAD_SYMBOL;
  const dist = (e >>> 16) + ((<u32>bb & ((1 << total) - 1)) >>> ((e >>> 8) & 15));
  if (<usize>dist > out - histStart) return ERR_DISTANCE;
  consume(used + total);
  let src = out - dist;
  const end = out + len;
  while (out < end) {
    store<u8>(out, load<u8>(src));
    out++;
    src++;
  }
  return CONTINUE;
}

/**
 * The unchecked loop, run while at least 16 input bytes remain and the output position
 * is at most `opLimit` (270 bytes of room before the slack). Each turn starts with the
 * next literal/length entry already looked up from at least 56 fresh bits. Returns
 * LIMITS, END_OF_BLOCK or an error; leaves the output position in `out`.
 */
export function decodeFast(lt: usize, dt: usize, hs: usize, op: usize, opLimit: usize): i32 {
  let bb = In.bitbuf;
  let cnt = In.bitcnt;
  let ip = In.inP;
  const ipLimit = In.inEnd - FAST_IN;
  let result = LIMITS;
  bb |= load<u64>(ip) << cnt;
  ip += (63 - cnt) >>> 3;
  cnt |= 56;
  let e = load<u32>(lt + ((<usize>bb & LIT_MASK) << 2));
  while (ip <= ipLimit && op <= opLimit) {
    if (<i32>e < 0) {
      // Up to three literals per refill: each takes at most 15 of the 56+ bits.
      bb >>= e & 0xff;
      cnt -= e & 0xff;
      store<u8>(op, <u8>(e >>> 16));
      e = load<u32>(lt + ((<usize>bb & LIT_MASK) << 2));
      if (<i32>e < 0) {
        bb >>= e & 0xff;
        cnt -= e & 0xff;
        store<u8>(op, <u8>(e >>> 16), 1);
        e = load<u32>(lt + ((<usize>bb & LIT_MASK) << 2));
        if (<i32>e < 0) {
          bb >>= e & 0xff;
          cnt -= e & 0xff;
          store<u8>(op, <u8>(e >>> 16), 2);
          op += 3;
          bb |= load<u64>(ip) << cnt;
          ip += (63 - cnt) >>> 3;
          cnt |= 56;
          e = load<u32>(lt + ((<usize>bb & LIT_MASK) << 2));
          continue;
        }
        op++;
      }
      op++;
      // At least 26 bits remain: enough for any length symbol with its extra bits.
    }
    if (e & ENTRY_LINK) {
      bb >>= LITLEN_ROOT;
      cnt -= LITLEN_ROOT;
      e = load<u32>(lt + ((<usize>(e >>> 16) + (<usize>bb & ((1 << ((e >>> 8) & 15)) - 1))) << 2));
      if (<i32>e < 0) {
        bb >>= e & 0xff;
        cnt -= e & 0xff;
        store<u8>(op, <u8>(e >>> 16));
        op++;
        bb |= load<u64>(ip) << cnt;
        ip += (63 - cnt) >>> 3;
        cnt |= 56;
        e = load<u32>(lt + ((<usize>bb & LIT_MASK) << 2));
        continue;
      }
    }
    if (e & (ENTRY_EOB | ENTRY_INVALID)) {
      if (e & ENTRY_INVALID) {
        result = ERR_BAD_SYMBOL;
        break;
      }
      const t = e & 0xff;
      bb >>= t;
      cnt -= t;
      result = END_OF_BLOCK;
      break;
    }
    let t = e & 0xff;
    const len = (e >>> 16) + ((<u32>bb & ((1 << t) - 1)) >>> ((e >>> 8) & 15));
    bb >>= t;
    cnt -= t;
    if (cnt < 28) {
      // After literals: refill for the distance (at most 15 + 13 bits).
      bb |= load<u64>(ip) << cnt;
      ip += (63 - cnt) >>> 3;
      cnt |= 56;
    }
    e = load<u32>(dt + ((<usize>bb & ((1 << DIST_ROOT) - 1)) << 2));
    if (e & ENTRY_LINK) {
      bb >>= DIST_ROOT;
      cnt -= DIST_ROOT;
      e = load<u32>(dt + ((<usize>(e >>> 16) + (<usize>bb & ((1 << ((e >>> 8) & 15)) - 1))) << 2));
    }
    if (e & ENTRY_INVALID) {
      result = ERR_BAD_SYMBOL;
      break;
    }
    t = e & 0xff;
    const dist = <usize>((e >>> 16) + ((<u32>bb & ((1 << t) - 1)) >>> ((e >>> 8) & 15)));
    bb >>= t;
    cnt -= t;
    if (dist > op - hs) {
      result = ERR_DISTANCE;
      break;
    }
    // Look the next symbol up before copying, so the two overlap.
    bb |= load<u64>(ip) << cnt;
    ip += (63 - cnt) >>> 3;
    cnt |= 56;
    e = load<u32>(lt + ((<usize>bb & LIT_MASK) << 2));
    copyMatch(op, dist, <usize>len);
    op += len;
  }
  In.setReader(bb, cnt, ip);
  out = op;
  return result;
}

/** Copies a match of `len` bytes from `dist` back; may write up to 15 bytes past it. */
// @ts-ignore: decorator
@inline function copyMatch(op: usize, dist: usize, len: usize): void {
  let src = op - dist;
  const end = op + len;
  if (dist >= 16) {
    do {
      v128.store(op, v128.load(src));
      op += 16;
      src += 16;
    } while (op < end);
  } else if (dist >= 8) {
    do {
      store<u64>(op, load<u64>(src));
      op += 8;
      src += 8;
    } while (op < end);
  } else if (dist == 1) {
    const v = i64x2.splat(<i64>load<u8>(src) * 0x0101010101010101);
    do {
      v128.store(op, v);
      op += 16;
    } while (op < end);
  } else {
    do {
      store<u8>(op, load<u8>(src));
      op++;
      src++;
    } while (op < end);
  }
}
