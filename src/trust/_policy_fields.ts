/**
 * The field checks the policy parsers share: an error naming the field at fault, unknown
 * members and required strings.
 *
 * @module
 */
import type { JsonObject } from "../signature/strict_json.ts";

/** Thrown inside the parser with the path of the field at fault; wrapped by the caller. */
export class FieldError extends Error {}

/** Fails for `field` with `detail`. */
export function fieldError(field: string, detail: string): never {
  throw new FieldError(`${field}: ${detail}`);
}

/** Checks that `object` has only `allowed` members. */
export function onlyFields(object: JsonObject, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) fieldError(`${where}.${key}`, "unknown field");
  }
}

/** The string member `key` of `object`, required unless `optional`. */
export function stringField(object: JsonObject, key: string, where: string): string {
  const value = object[key];
  if (typeof value !== "string") {
    fieldError(`${where}.${key}`, value === undefined ? "missing" : "must be a string");
  }
  return value;
}
