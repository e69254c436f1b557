// Seeded pseudo-random numbers and bytes for the kernel tests, so a failure replays.

/** A seeded generator (xorshift32): `next()` gives a u32, `below(n)` an int in [0, n). */
export class Random {
  #state: number;

  constructor(seed: number) {
    this.#state = (seed >>> 0) || 0x9e3779b9;
  }

  next(): number {
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x >>> 0;
    return this.#state;
  }

  below(n: number): number {
    return Math.floor((this.next() / 0x1_0000_0000) * n);
  }

  bytes(length: number): Uint8Array<ArrayBuffer> {
    const words = new Uint32Array(Math.ceil(length / 4));
    for (let i = 0; i < words.length; i++) words[i] = this.next();
    return new Uint8Array(words.buffer, 0, length);
  }

  /** Cuts `data` into random pieces (some empty, some large) that concatenate to it. */
  split(data: Uint8Array, maxPiece: number): Uint8Array[] {
    const pieces: Uint8Array[] = [];
    let offset = 0;
    while (offset < data.length) {
      const roll = this.below(10);
      const size = roll === 0 ? 0 : roll < 4 ? this.below(130) : this.below(maxPiece + 1);
      pieces.push(data.subarray(offset, Math.min(data.length, offset + size)));
      offset += size;
    }
    if (this.below(2) === 0) pieces.push(new Uint8Array(0));
    return pieces;
  }
}
