// The input side of the inflate kernel: the input buffer and a 64-bit LSB-first bit
// reader over it.
//
// Invariant: bits of `bitbuf` above `bitcnt` are either zero or the stream's next bits,
// so a refill may OR the next input bytes in at `bitcnt` without masking. Whoever moves
// `inP` without passing the bytes through `bitbuf` must clear it first.

/** Size of the input buffer. */
export const IN_CAP: usize = 64 << 10;

/** The input buffer; set once by the kernel's layout. */
export let inBuf: usize = 0;
/** Next unread input byte. */
export let inP: usize = 0;
/** End of the input written so far. */
export let inEnd: usize = 0;
/** Bits read ahead, least significant first. */
export let bitbuf: u64 = 0;
/** How many bits of `bitbuf` are valid. */
export let bitcnt: u32 = 0;
/** Set by `bits` when the input ran out. */
export let short = false;

let savedInP: usize = 0;
let savedBitbuf: u64 = 0;
let savedBitcnt: u32 = 0;

/** Empties the reader over the buffer at `buffer`. */
export function inputReset(buffer: usize): void {
  inBuf = buffer;
  inP = buffer;
  inEnd = buffer;
  bitbuf = 0;
  bitcnt = 0;
  short = false;
}

/** Moves unread input to the front of the buffer and returns the free room. */
export function inputCompact(): usize {
  if (inP > inBuf) {
    const left = inEnd - inP;
    memory.copy(inBuf, inP, left);
    inP = inBuf;
    inEnd = inBuf + left;
  }
  return inBuf + IN_CAP - inEnd;
}

/** Declares `n` more bytes written at `inEnd`. */
export function inputCommit(n: usize): void {
  inEnd += n;
}

/** Sets the reader state after a bulk loop that kept it in locals. */
// @ts-ignore: decorator
@inline export function setReader(buf: u64, cnt: u32, p: usize): void {
  bitbuf = buf;
  bitcnt = cnt;
  inP = p;
}

/** Starts a transaction: `restore` rolls the reader back here. */
export function save(): void {
  savedInP = inP;
  savedBitbuf = bitbuf;
  savedBitcnt = bitcnt;
  short = false;
}

/** Rolls the reader back to the last `save`. */
export function restore(): void {
  inP = savedInP;
  bitbuf = savedBitbuf;
  bitcnt = savedBitcnt;
}

/** Loads whole input bytes until `bitbuf` holds `n` bits (n <= 32); false if it can't. */
export function need(n: u32): bool {
  while (bitcnt < n) {
    if (inP >= inEnd) return false;
    bitbuf |= <u64>load<u8>(inP) << bitcnt;
    inP++;
    bitcnt += 8;
  }
  return true;
}

/** Loads as many whole input bytes as fit in `bitbuf`. */
export function fill(): void {
  while (bitcnt <= 56 && inP < inEnd) {
    bitbuf |= <u64>load<u8>(inP) << bitcnt;
    inP++;
    bitcnt += 8;
  }
}

/** Drops `n` bits. */
// @ts-ignore: decorator
@inline export function consume(n: u32): void {
  bitbuf >>= n;
  bitcnt -= n;
}

/** Takes `n` bits (n <= 32); on lack of input sets `short` and returns 0. */
export function bits(n: u32): u32 {
  if (!need(n)) {
    short = true;
    return 0;
  }
  const v = <u32>(bitbuf & ((<u64>1 << n) - 1));
  bitbuf >>= n;
  bitcnt -= n;
  return v;
}

/** Skips to the next byte boundary. */
export function alignToByte(): void {
  const drop = bitcnt & 7;
  bitbuf >>= drop;
  bitcnt -= drop;
}

/** Input bytes not consumed yet, whole bytes held in `bitbuf` included. */
export function inputLeft(): usize {
  return (inEnd - inP) + (bitcnt >>> 3);
}

/** Copies up to `max` input bytes to `dst` (byte-aligned reader); returns how many. */
export function copyBytes(dst: usize, max: usize): usize {
  let n: usize = 0;
  while (n < max && bitcnt >= 8) {
    store<u8>(dst + n, <u8>bitbuf);
    bitbuf >>= 8;
    bitcnt -= 8;
    n++;
  }
  if (n == max) return n;
  bitbuf = 0;
  let take = inEnd - inP;
  if (take > max - n) take = max - n;
  memory.copy(dst + n, inP, take);
  inP += take;
  return n + take;
}
