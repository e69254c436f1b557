// Status codes of the inflate kernel, shared by its parts. Non-negative values are
// progress reports; negative values are errors (sticky until the next reset).

/** All input so far is used; give more, or call with `final` set. */
export const NEED_INPUT: i32 = 0;
/** The output buffer is full; take the output and call again. */
export const OUTPUT_FULL: i32 = 1;
/** The stream ended properly. */
export const DONE: i32 = 2;

/** Not a gzip header (bad magic, method or flags). */
export const ERR_BAD_HEADER: i32 = -1;
/** Block type 11. */
export const ERR_BAD_BLOCK_TYPE: i32 = -2;
/** Code lengths that do not form a usable prefix code. */
export const ERR_BAD_CODES: i32 = -3;
/** A match reaching back before the start of the data. */
export const ERR_DISTANCE: i32 = -4;
/** A stored block whose LEN is not the complement of NLEN. */
export const ERR_STORED_LENGTH: i32 = -5;
/** The gzip trailer's CRC-32 differs from the data's. */
export const ERR_BAD_CRC: i32 = -6;
/** The gzip trailer's ISIZE differs from the data's length. */
export const ERR_BAD_LENGTH: i32 = -7;
/** The input ended inside the stream. */
export const ERR_TRUNCATED: i32 = -8;
/** Bytes after the end that are neither another gzip member nor zero padding. */
export const ERR_TRAILING: i32 = -9;
/** The gzip header's CRC-16 differs from the header's. */
export const ERR_BAD_HEADER_CRC: i32 = -10;
/** A codeword that is unused, or a symbol the format forbids (lengths 286-287, distances 30-31). */
export const ERR_BAD_SYMBOL: i32 = -11;

/** Internal: the step finished; go on. */
export const CONTINUE: i32 = 100;
/** Internal: the unchecked symbol loop stopped at its limits. */
export const LIMITS: i32 = 101;
/** Internal: the input ran out inside a structure read as a whole. */
export const SHORT: i32 = 102;
/** Internal: the end-of-block symbol was decoded. */
export const END_OF_BLOCK: i32 = 103;
