// deno-fmt-ignore-file
// CRC-32 (IEEE, as in gzip), streaming: the host writes input into the buffer at
// `inputPtr()` (`inputSize()` bytes) and folds it into a running value with
// `crc32Update(crc, ptr, len)`, starting from 0.

export { crc32Update } from "./lib/crc32";

/** Size of the input buffer the host writes chunks into. */
const INPUT_SIZE: usize = 1 << 20;

/** The input buffer: right after the static data, 64-byte aligned. */
const INPUT_PTR: usize = (__heap_base + 63) & ~(<usize> 63);

/** The address of the input buffer. */
export function inputPtr(): usize {
  return INPUT_PTR;
}

/** The size of the input buffer in bytes. */
export function inputSize(): usize {
  return INPUT_SIZE;
}

const need = INPUT_PTR + INPUT_SIZE;
const have = <usize> memory.size() << 16;
if (need > have) memory.grow(<i32> ((need - have + 0xffff) >>> 16));
