import assert from "node:assert/strict";
import { InvalidReferenceError, type InvalidReferenceReason } from "../../src/errors.ts";

/** A 64-hex string of one repeated character. */
export const hex64 = (c: string): string => c.repeat(64);

/** Asserts that `fn(input)` throws an InvalidReferenceError for `input` with `reason`. */
export function assertInvalid(
  fn: (input: string) => unknown,
  input: string,
  reason: InvalidReferenceReason,
): void {
  let caught: unknown;
  try {
    fn(input);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, `expected ${JSON.stringify(input)} to be rejected (${reason})`);
  assert.ok(
    caught instanceof InvalidReferenceError,
    `expected InvalidReferenceError for ${JSON.stringify(input)}, got ${caught}`,
  );
  assert.equal(caught.reason, reason, `reason for ${JSON.stringify(input)}`);
  assert.equal(caught.input, input, `error input for ${JSON.stringify(input)}`);
  assert.equal(caught.code, "InvalidReference");
  assert.equal(caught.httpStatus, 400);
  assert.ok(caught.message.startsWith(`Cannot parse reference "${input}": `), caught.message);
}
