// deno-fmt-ignore-file
// SHA-256 (FIPS 180-4), streaming, with any number of hashers alive at once.
//
// Each hasher is a 128-byte state slot in linear memory; its handle is the slot's
// address. The host writes input into the buffer at `inputPtr()` (`inputSize()` bytes)
// or anywhere else in memory, then calls `update(handle, ptr, len)` with chunks of any
// size, and `finish(handle, outPtr)` for the 32-byte digest; `release(handle)` returns
// the slot. The 64 rounds are unrolled with the eight working variables renamed in turn
// instead of shifted, and the message schedule kept in sixteen locals. Each round adds
// the round constant and message word first, off the critical path through `e`, since
// the engines do not reorder the additions. (Tried and dropped as slower or no faster:
// a SIMD message schedule, SIMD byte swapping, and the carried-xor form of `maj`.)

// A state slot:   0..31  h0..h7        32..39  total length in bytes (u64)
//                40..43  buffered bytes 64..127 partial block
const SLOT_SIZE: usize = 128;
const OFF_LENGTH: usize = 32;
const OFF_BUFFERED: usize = 40;
const OFF_BLOCK: usize = 64;

/** Size of the input buffer the host writes chunks into. */
const INPUT_SIZE: usize = 1 << 20;

/** The input buffer: right after the static data, 64-byte aligned. */
const INPUT_PTR: usize = (__heap_base + 63) & ~(<usize>63);
/** Free state slots are linked through their first word; 0 ends the list. */
let freeSlots: usize = 0;
/** The next never-used slot address. */
let nextSlot: usize = INPUT_PTR + INPUT_SIZE;

/** The address of the input buffer. */
export function inputPtr(): usize {
  return INPUT_PTR;
}

/** The size of the input buffer in bytes. */
export function inputSize(): usize {
  return INPUT_SIZE;
}

function ensureMemory(end: usize): void {
  const have = <usize>memory.size() << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >>> 16);
    if (memory.grow(pages) < 0) unreachable();
  }
}

ensureMemory(nextSlot);

/** Starts a new hasher and returns its handle. */
export function create(): usize {
  let slot = freeSlots;
  if (slot != 0) {
    freeSlots = load<usize>(slot);
  } else {
    slot = nextSlot;
    nextSlot += SLOT_SIZE;
    ensureMemory(nextSlot);
  }
  reset(slot);
  return slot;
}

/** Puts the hasher `handle` back to its initial state. */
export function reset(handle: usize): void {
  store<u32>(handle, 0x6a09e667, 0);
  store<u32>(handle, 0xbb67ae85, 4);
  store<u32>(handle, 0x3c6ef372, 8);
  store<u32>(handle, 0xa54ff53a, 12);
  store<u32>(handle, 0x510e527f, 16);
  store<u32>(handle, 0x9b05688c, 20);
  store<u32>(handle, 0x1f83d9ab, 24);
  store<u32>(handle, 0x5be0cd19, 28);
  store<u64>(handle, 0, OFF_LENGTH);
  store<u32>(handle, 0, OFF_BUFFERED);
}

/** Frees the slot of `handle`; the handle must not be used afterwards. */
export function release(handle: usize): void {
  store<usize>(handle, freeSlots);
  freeSlots = handle;
}

/** Hashes `len` more bytes found at `ptr` into the hasher `handle`. */
export function update(handle: usize, ptr: usize, len: usize): void {
  store<u64>(handle, load<u64>(handle, OFF_LENGTH) + <u64>len, OFF_LENGTH);
  let buffered = <usize>load<u32>(handle, OFF_BUFFERED);
  if (buffered != 0) {
    const take = min<usize>(64 - buffered, len);
    memory.copy(handle + OFF_BLOCK + buffered, ptr, take);
    buffered += take;
    ptr += take;
    len -= take;
    if (buffered < 64) {
      store<u32>(handle, <u32>buffered, OFF_BUFFERED);
      return;
    }
    compress(handle, handle + OFF_BLOCK, 1);
  }
  const blocks = len >>> 6;
  if (blocks != 0) compress(handle, ptr, blocks);
  const rest = len & 63;
  if (rest != 0) memory.copy(handle + OFF_BLOCK, ptr + (blocks << 6), rest);
  store<u32>(handle, <u32>rest, OFF_BUFFERED);
}

/** Pads the message, writes the 32-byte digest at `outPtr`; the hasher is then spent. */
export function finish(handle: usize, outPtr: usize): void {
  const buffered = <usize>load<u32>(handle, OFF_BUFFERED);
  const block = handle + OFF_BLOCK;
  store<u8>(block + buffered, 0x80);
  if (buffered >= 56) {
    memory.fill(block + buffered + 1, 0, 63 - buffered);
    compress(handle, block, 1);
    memory.fill(block, 0, 56);
  } else {
    memory.fill(block + buffered + 1, 0, 55 - buffered);
  }
  store<u64>(block, bswap<u64>(load<u64>(handle, OFF_LENGTH) << 3), 56);
  compress(handle, block, 1);
  for (let i: usize = 0; i < 32; i += 4) store<u32>(outPtr + i, bswap<u32>(load<u32>(handle + i)));
}

// @ts-ignore: decorator
@inline function S0(x: u32): u32 {
  return rotr<u32>(x, 2) ^ rotr<u32>(x, 13) ^ rotr<u32>(x, 22);
}

// @ts-ignore: decorator
@inline function S1(x: u32): u32 {
  return rotr<u32>(x, 6) ^ rotr<u32>(x, 11) ^ rotr<u32>(x, 25);
}

// @ts-ignore: decorator
@inline function s0(x: u32): u32 {
  return rotr<u32>(x, 7) ^ rotr<u32>(x, 18) ^ (x >>> 3);
}

// @ts-ignore: decorator
@inline function s1(x: u32): u32 {
  return rotr<u32>(x, 17) ^ rotr<u32>(x, 19) ^ (x >>> 10);
}

// @ts-ignore: decorator
@inline function ch(x: u32, y: u32, z: u32): u32 {
  return z ^ (x & (y ^ z));
}

// @ts-ignore: decorator
@inline function maj(x: u32, y: u32, z: u32): u32 {
  return (x & y) | (z & (x | y));
}

/** Runs the compression function over `blocks` 64-byte blocks at `src`. */
function compress(state: usize, src: usize, blocks: usize): void {
  let h0 = load<u32>(state, 0);
  let h1 = load<u32>(state, 4);
  let h2 = load<u32>(state, 8);
  let h3 = load<u32>(state, 12);
  let h4 = load<u32>(state, 16);
  let h5 = load<u32>(state, 20);
  let h6 = load<u32>(state, 24);
  let h7 = load<u32>(state, 28);
  const end = src + (blocks << 6);
  while (src < end) {
    let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
    let w0 = bswap<u32>(load<u32>(src, 0));
    let w1 = bswap<u32>(load<u32>(src, 4));
    let w2 = bswap<u32>(load<u32>(src, 8));
    let w3 = bswap<u32>(load<u32>(src, 12));
    let w4 = bswap<u32>(load<u32>(src, 16));
    let w5 = bswap<u32>(load<u32>(src, 20));
    let w6 = bswap<u32>(load<u32>(src, 24));
    let w7 = bswap<u32>(load<u32>(src, 28));
    let w8 = bswap<u32>(load<u32>(src, 32));
    let w9 = bswap<u32>(load<u32>(src, 36));
    let w10 = bswap<u32>(load<u32>(src, 40));
    let w11 = bswap<u32>(load<u32>(src, 44));
    let w12 = bswap<u32>(load<u32>(src, 48));
    let w13 = bswap<u32>(load<u32>(src, 52));
    let w14 = bswap<u32>(load<u32>(src, 56));
    let w15 = bswap<u32>(load<u32>(src, 60));
    h += 0x428a2f98 + w0; h += S1(e) + ch(e, f, g); d += h;
    h += S0(a) + maj(a, b, c);
    g += 0x71374491 + w1; g += S1(d) + ch(d, e, f); c += g;
    g += S0(h) + maj(h, a, b);
    f += 0xb5c0fbcf + w2; f += S1(c) + ch(c, d, e); b += f;
    f += S0(g) + maj(g, h, a);
    e += 0xe9b5dba5 + w3; e += S1(b) + ch(b, c, d); a += e;
    e += S0(f) + maj(f, g, h);
    d += 0x3956c25b + w4; d += S1(a) + ch(a, b, c); h += d;
    d += S0(e) + maj(e, f, g);
    c += 0x59f111f1 + w5; c += S1(h) + ch(h, a, b); g += c;
    c += S0(d) + maj(d, e, f);
    b += 0x923f82a4 + w6; b += S1(g) + ch(g, h, a); f += b;
    b += S0(c) + maj(c, d, e);
    a += 0xab1c5ed5 + w7; a += S1(f) + ch(f, g, h); e += a;
    a += S0(b) + maj(b, c, d);
    h += 0xd807aa98 + w8; h += S1(e) + ch(e, f, g); d += h;
    h += S0(a) + maj(a, b, c);
    g += 0x12835b01 + w9; g += S1(d) + ch(d, e, f); c += g;
    g += S0(h) + maj(h, a, b);
    f += 0x243185be + w10; f += S1(c) + ch(c, d, e); b += f;
    f += S0(g) + maj(g, h, a);
    e += 0x550c7dc3 + w11; e += S1(b) + ch(b, c, d); a += e;
    e += S0(f) + maj(f, g, h);
    d += 0x72be5d74 + w12; d += S1(a) + ch(a, b, c); h += d;
    d += S0(e) + maj(e, f, g);
    c += 0x80deb1fe + w13; c += S1(h) + ch(h, a, b); g += c;
    c += S0(d) + maj(d, e, f);
    b += 0x9bdc06a7 + w14; b += S1(g) + ch(g, h, a); f += b;
    b += S0(c) + maj(c, d, e);
    a += 0xc19bf174 + w15; a += S1(f) + ch(f, g, h); e += a;
    a += S0(b) + maj(b, c, d);
    w0 += s1(w14) + s0(w1) + w9;
    h += 0xe49b69c1 + w0; h += S1(e) + ch(e, f, g); d += h;
    h += S0(a) + maj(a, b, c);
    w1 += s1(w15) + s0(w2) + w10;
    g += 0xefbe4786 + w1; g += S1(d) + ch(d, e, f); c += g;
    g += S0(h) + maj(h, a, b);
    w2 += s1(w0) + s0(w3) + w11;
    f += 0x0fc19dc6 + w2; f += S1(c) + ch(c, d, e); b += f;
    f += S0(g) + maj(g, h, a);
    w3 += s1(w1) + s0(w4) + w12;
    e += 0x240ca1cc + w3; e += S1(b) + ch(b, c, d); a += e;
    e += S0(f) + maj(f, g, h);
    w4 += s1(w2) + s0(w5) + w13;
    d += 0x2de92c6f + w4; d += S1(a) + ch(a, b, c); h += d;
    d += S0(e) + maj(e, f, g);
    w5 += s1(w3) + s0(w6) + w14;
    c += 0x4a7484aa + w5; c += S1(h) + ch(h, a, b); g += c;
    c += S0(d) + maj(d, e, f);
    w6 += s1(w4) + s0(w7) + w15;
    b += 0x5cb0a9dc + w6; b += S1(g) + ch(g, h, a); f += b;
    b += S0(c) + maj(c, d, e);
    w7 += s1(w5) + s0(w8) + w0;
    a += 0x76f988da + w7; a += S1(f) + ch(f, g, h); e += a;
    a += S0(b) + maj(b, c, d);
    w8 += s1(w6) + s0(w9) + w1;
    h += 0x983e5152 + w8; h += S1(e) + ch(e, f, g); d += h;
    h += S0(a) + maj(a, b, c);
    w9 += s1(w7) + s0(w10) + w2;
    g += 0xa831c66d + w9; g += S1(d) + ch(d, e, f); c += g;
    g += S0(h) + maj(h, a, b);
    w10 += s1(w8) + s0(w11) + w3;
    f += 0xb00327c8 + w10; f += S1(c) + ch(c, d, e); b += f;
    f += S0(g) + maj(g, h, a);
    w11 += s1(w9) + s0(w12) + w4;
    e += 0xbf597fc7 + w11; e += S1(b) + ch(b, c, d); a += e;
    e += S0(f) + maj(f, g, h);
    w12 += s1(w10) + s0(w13) + w5;
    d += 0xc6e00bf3 + w12; d += S1(a) + ch(a, b, c); h += d;
    d += S0(e) + maj(e, f, g);
    w13 += s1(w11) + s0(w14) + w6;
    c += 0xd5a79147 + w13; c += S1(h) + ch(h, a, b); g += c;
    c += S0(d) + maj(d, e, f);
    w14 += s1(w12) + s0(w15) + w7;
    b += 0x06ca6351 + w14; b += S1(g) + ch(g, h, a); f += b;
    b += S0(c) + maj(c, d, e);
    w15 += s1(w13) + s0(w0) + w8;
    a += 0x14292967 + w15; a += S1(f) + ch(f, g, h); e += a;
    a += S0(b) + maj(b, c, d);
    w0 += s1(w14) + s0(w1) + w9;
    h += 0x27b70a85 + w0; h += S1(e) + ch(e, f, g); d += h;
    h += S0(a) + maj(a, b, c);
    w1 += s1(w15) + s0(w2) + w10;
    g += 0x2e1b2138 + w1; g += S1(d) + ch(d, e, f); c += g;
    g += S0(h) + maj(h, a, b);
    w2 += s1(w0) + s0(w3) + w11;
    f += 0x4d2c6dfc + w2; f += S1(c) + ch(c, d, e); b += f;
    f += S0(g) + maj(g, h, a);
    w3 += s1(w1) + s0(w4) + w12;
    e += 0x53380d13 + w3; e += S1(b) + ch(b, c, d); a += e;
    e += S0(f) + maj(f, g, h);
    w4 += s1(w2) + s0(w5) + w13;
    d += 0x650a7354 + w4; d += S1(a) + ch(a, b, c); h += d;
    d += S0(e) + maj(e, f, g);
    w5 += s1(w3) + s0(w6) + w14;
    c += 0x766a0abb + w5; c += S1(h) + ch(h, a, b); g += c;
    c += S0(d) + maj(d, e, f);
    w6 += s1(w4) + s0(w7) + w15;
    b += 0x81c2c92e + w6; b += S1(g) + ch(g, h, a); f += b;
    b += S0(c) + maj(c, d, e);
    w7 += s1(w5) + s0(w8) + w0;
    a += 0x92722c85 + w7; a += S1(f) + ch(f, g, h); e += a;
    a += S0(b) + maj(b, c, d);
    w8 += s1(w6) + s0(w9) + w1;
    h += 0xa2bfe8a1 + w8; h += S1(e) + ch(e, f, g); d += h;
    h += S0(a) + maj(a, b, c);
    w9 += s1(w7) + s0(w10) + w2;
    g += 0xa81a664b + w9; g += S1(d) + ch(d, e, f); c += g;
    g += S0(h) + maj(h, a, b);
    w10 += s1(w8) + s0(w11) + w3;
    f += 0xc24b8b70 + w10; f += S1(c) + ch(c, d, e); b += f;
    f += S0(g) + maj(g, h, a);
    w11 += s1(w9) + s0(w12) + w4;
    e += 0xc76c51a3 + w11; e += S1(b) + ch(b, c, d); a += e;
    e += S0(f) + maj(f, g, h);
    w12 += s1(w10) + s0(w13) + w5;
    d += 0xd192e819 + w12; d += S1(a) + ch(a, b, c); h += d;
    d += S0(e) + maj(e, f, g);
    w13 += s1(w11) + s0(w14) + w6;
    c += 0xd6990624 + w13; c += S1(h) + ch(h, a, b); g += c;
    c += S0(d) + maj(d, e, f);
    w14 += s1(w12) + s0(w15) + w7;
    b += 0xf40e3585 + w14; b += S1(g) + ch(g, h, a); f += b;
    b += S0(c) + maj(c, d, e);
    w15 += s1(w13) + s0(w0) + w8;
    a += 0x106aa070 + w15; a += S1(f) + ch(f, g, h); e += a;
    a += S0(b) + maj(b, c, d);
    w0 += s1(w14) + s0(w1) + w9;
    h += 0x19a4c116 + w0; h += S1(e) + ch(e, f, g); d += h;
    h += S0(a) + maj(a, b, c);
    w1 += s1(w15) + s0(w2) + w10;
    g += 0x1e376c08 + w1; g += S1(d) + ch(d, e, f); c += g;
    g += S0(h) + maj(h, a, b);
    w2 += s1(w0) + s0(w3) + w11;
    f += 0x2748774c + w2; f += S1(c) + ch(c, d, e); b += f;
    f += S0(g) + maj(g, h, a);
    w3 += s1(w1) + s0(w4) + w12;
    e += 0x34b0bcb5 + w3; e += S1(b) + ch(b, c, d); a += e;
    e += S0(f) + maj(f, g, h);
    w4 += s1(w2) + s0(w5) + w13;
    d += 0x391c0cb3 + w4; d += S1(a) + ch(a, b, c); h += d;
    d += S0(e) + maj(e, f, g);
    w5 += s1(w3) + s0(w6) + w14;
    c += 0x4ed8aa4a + w5; c += S1(h) + ch(h, a, b); g += c;
    c += S0(d) + maj(d, e, f);
    w6 += s1(w4) + s0(w7) + w15;
    b += 0x5b9cca4f + w6; b += S1(g) + ch(g, h, a); f += b;
    b += S0(c) + maj(c, d, e);
    w7 += s1(w5) + s0(w8) + w0;
    a += 0x682e6ff3 + w7; a += S1(f) + ch(f, g, h); e += a;
    a += S0(b) + maj(b, c, d);
    w8 += s1(w6) + s0(w9) + w1;
    h += 0x748f82ee + w8; h += S1(e) + ch(e, f, g); d += h;
    h += S0(a) + maj(a, b, c);
    w9 += s1(w7) + s0(w10) + w2;
    g += 0x78a5636f + w9; g += S1(d) + ch(d, e, f); c += g;
    g += S0(h) + maj(h, a, b);
    w10 += s1(w8) + s0(w11) + w3;
    f += 0x84c87814 + w10; f += S1(c) + ch(c, d, e); b += f;
    f += S0(g) + maj(g, h, a);
    w11 += s1(w9) + s0(w12) + w4;
    e += 0x8cc70208 + w11; e += S1(b) + ch(b, c, d); a += e;
    e += S0(f) + maj(f, g, h);
    w12 += s1(w10) + s0(w13) + w5;
    d += 0x90befffa + w12; d += S1(a) + ch(a, b, c); h += d;
    d += S0(e) + maj(e, f, g);
    w13 += s1(w11) + s0(w14) + w6;
    c += 0xa4506ceb + w13; c += S1(h) + ch(h, a, b); g += c;
    c += S0(d) + maj(d, e, f);
    w14 += s1(w12) + s0(w15) + w7;
    b += 0xbef9a3f7 + w14; b += S1(g) + ch(g, h, a); f += b;
    b += S0(c) + maj(c, d, e);
    w15 += s1(w13) + s0(w0) + w8;
    a += 0xc67178f2 + w15; a += S1(f) + ch(f, g, h); e += a;
    a += S0(b) + maj(b, c, d);
    h0 += a;
    h1 += b;
    h2 += c;
    h3 += d;
    h4 += e;
    h5 += f;
    h6 += g;
    h7 += h;
    src += 64;
  }
  store<u32>(state, h0, 0);
  store<u32>(state, h1, 4);
  store<u32>(state, h2, 8);
  store<u32>(state, h3, 12);
  store<u32>(state, h4, 16);
  store<u32>(state, h5, 20);
  store<u32>(state, h6, 24);
  store<u32>(state, h7, 28);
}
