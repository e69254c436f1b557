/**
 * Reading a bounded JSON document from bytes.
 *
 * @module
 */
import { fail, isObject, type JsonObject } from "./_checks.ts";

/** Decodes `bytes` as one UTF-8 JSON object no larger than `maxSize` bytes. */
export function decodeJsonObject(what: string, bytes: Uint8Array, maxSize: number): JsonObject {
  if (!(bytes instanceof Uint8Array)) throw new TypeError("Expected the document as a Uint8Array");
  if (bytes.length > maxSize) {
    fail(what, `the document is ${bytes.length} bytes, more than the limit of ${maxSize}`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (error) {
    fail(what, "the document is not valid UTF-8", error);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    fail(what, `the document is not valid JSON (${(error as Error).message})`, error);
  }
  if (!isObject(value)) fail(what, "the document is not a JSON object");
  return value;
}
