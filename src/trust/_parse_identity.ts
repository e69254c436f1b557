/**
 * Parsing the `signedIdentity` object of a `signedBy` or `sigstoreSigned` requirement.
 *
 * @module
 */
import { isValidDomain, parseNormalizedName } from "../reference/mod.ts";
import { isJsonObject, type JsonValue } from "../signature/strict_json.ts";
import { fieldError, onlyFields, stringField } from "./_policy_fields.ts";
import type { SignedIdentity } from "./policy.ts";

/** Parses `value` (at `where` in the file) into a {@linkcode SignedIdentity}. */
export function parseSignedIdentity(value: JsonValue, where: string): SignedIdentity {
  if (!isJsonObject(value)) fieldError(where, "must be an object");
  const type = stringField(value, "type", where);
  switch (type) {
    case "matchExact":
    case "matchRepoDigestOrExact":
    case "matchRepository":
      onlyFields(value, ["type"], where);
      return { type };
    case "exactReference": {
      onlyFields(value, ["type", "dockerReference"], where);
      const dockerReference = stringField(value, "dockerReference", where);
      const ref = named(dockerReference, `${where}.dockerReference`);
      if (ref.tag === undefined && ref.digest === undefined) {
        fieldError(
          `${where}.dockerReference`,
          `"${dockerReference}" contains neither a tag nor digest`,
        );
      }
      return { type, dockerReference };
    }
    case "exactRepository": {
      onlyFields(value, ["type", "dockerRepository"], where);
      const dockerRepository = stringField(value, "dockerRepository", where);
      named(dockerRepository, `${where}.dockerRepository`);
      return { type, dockerRepository };
    }
    case "remapIdentity": {
      onlyFields(value, ["type", "prefix", "signedPrefix"], where);
      const prefix = stringField(value, "prefix", where);
      const signedPrefix = stringField(value, "signedPrefix", where);
      checkPrefix(prefix, `${where}.prefix`);
      checkPrefix(signedPrefix, `${where}.signedPrefix`);
      return { type, prefix, signedPrefix };
    }
    default:
      fieldError(`${where}.type`, `unknown identity type "${type}"`);
  }
}

function named(input: string, field: string) {
  try {
    return parseNormalizedName(input);
  } catch (error) {
    fieldError(field, `"${input}" is not a valid reference (${(error as Error).message})`);
  }
}

/** A remap prefix: `host[:port]`, or a fully expanded namespace or repository. */
function checkPrefix(prefix: string, field: string): void {
  if (!prefix.includes("/")) {
    if (isValidDomain(prefix)) return;
    fieldError(field, `"${prefix}" is not a valid host[:port]`);
  }
  const ref = named(prefix, field);
  if (ref.tag !== undefined || ref.digest !== undefined || ref.toString() !== prefix) {
    fieldError(field, `"${prefix}" is not a fully expanded repository or namespace`);
  }
}
