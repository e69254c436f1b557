/**
 * Parsing containers-policy.json(5) as strictly as containers/image does: an unknown,
 * duplicated or invalid field rejects the whole file, with an error naming the field.
 *
 * @module
 */
import { PolicyError } from "../errors.ts";
import {
  isJsonObject,
  type JsonObject,
  type JsonValue,
  parseStrictJson,
} from "../signature/strict_json.ts";
import { validateScope } from "./policy_scope.ts";
import type {
  KeySource,
  PolicyRequirement,
  SignaturePolicy,
  SignedIdentity,
  SigstoreSignedRequirement,
} from "./policy.ts";
import { parseSignedIdentity } from "./_parse_identity.ts";
import { FieldError, fieldError, onlyFields, stringField } from "./_policy_fields.ts";

/** The largest policy file read, in bytes. */
export const MAX_POLICY_SIZE = 4 * 1024 * 1024;

/**
 * Parses the text of a policy file; `source` names it in errors and in relative key
 * paths' messages.
 *
 * @example
 * ```ts
 * import { parsePolicy } from "./parse_policy.ts";
 * const policy = parsePolicy('{"default": [{"type": "reject"}]}', "policy.json");
 * console.log(policy.default[0].type); // "reject"
 * ```
 *
 * @throws {PolicyError} naming the field at fault.
 */
export function parsePolicy(text: string | Uint8Array, source = "(policy)"): SignaturePolicy {
  let json: JsonValue;
  try {
    const decoded = typeof text === "string"
      ? text
      : new TextDecoder("utf-8", { fatal: true }).decode(text);
    if (decoded.length > MAX_POLICY_SIZE) {
      throw new FieldError(`the file is larger than ${MAX_POLICY_SIZE} bytes`);
    }
    json = parseStrictJson(decoded);
  } catch (error) {
    throw new PolicyError(source, (error as Error).message, { cause: error });
  }
  try {
    return parseTop(json, source);
  } catch (error) {
    if (error instanceof FieldError) throw new PolicyError(source, error.message);
    throw error;
  }
}

function parseTop(json: JsonValue, source: string): SignaturePolicy {
  if (!isJsonObject(json)) fieldError("(top level)", "must be a JSON object");
  onlyFields(json, ["default", "transports"], "");
  if (json.default === undefined) {
    fieldError(".default", "missing (the global default is required)");
  }
  const policy: SignaturePolicy = {
    source,
    default: parseRequirements(json.default, ".default"),
    transports: {},
  };
  if (json.transports === undefined) return policy;
  if (!isJsonObject(json.transports)) fieldError(".transports", "must be an object");
  for (const [transport, scopes] of Object.entries(json.transports)) {
    const where = `.transports.${JSON.stringify(transport)}`;
    if (transport === "") fieldError(where, "the transport name is empty");
    if (!isJsonObject(scopes)) fieldError(where, "must be an object of scopes");
    const parsed: Record<string, PolicyRequirement[]> = {};
    for (const [scope, requirements] of Object.entries(scopes)) {
      const at = `${where}.${JSON.stringify(scope)}`;
      if (scope !== "") {
        const problem = validateScope(transport, scope);
        if (problem !== undefined) fieldError(at, `invalid scope: ${problem}`);
      }
      parsed[scope] = parseRequirements(requirements, at);
    }
    policy.transports[transport] = parsed;
  }
  return policy;
}

function parseRequirements(value: JsonValue, where: string): PolicyRequirement[] {
  if (!Array.isArray(value)) fieldError(where, "must be an array of requirements");
  if (value.length === 0) fieldError(where, "the list of requirements is empty");
  return value.map((item, i) => parseRequirement(item, `${where}[${i}]`));
}

function parseRequirement(value: JsonValue, where: string): PolicyRequirement {
  if (!isJsonObject(value)) fieldError(where, "must be an object");
  const type = stringField(value, "type", where);
  switch (type) {
    case "insecureAcceptAnything":
    case "reject":
      onlyFields(value, ["type"], where);
      return { type };
    case "signedBy": {
      onlyFields(
        value,
        ["type", "keyType", "keyPath", "keyPaths", "keyData", "signedIdentity"],
        where,
      );
      const keyType = stringField(value, "keyType", where);
      if (keyType !== "GPGKeys") {
        fieldError(`${where}.keyType`, `unsupported key type "${keyType}" (only "GPGKeys")`);
      }
      const keys = parseKeys(value, where, "keyPath", "keyPaths", "keyData");
      if (keys === undefined) {
        fieldError(where, 'one of "keyPath", "keyPaths" or "keyData" is required');
      }
      return { type, keyType, keys, signedIdentity: identity(value, where) };
    }
    case "sigstoreSigned":
      return parseSigstoreSigned(value, where);
    default:
      fieldError(`${where}.type`, `unknown requirement type "${type}"`);
  }
}

function parseSigstoreSigned(value: JsonObject, where: string): SigstoreSignedRequirement {
  onlyFields(value, [
    "type",
    "keyPath",
    "keyPaths",
    "keyData",
    "fulcio",
    "pki",
    "rekorPublicKeyPath",
    "rekorPublicKeyPaths",
    "rekorPublicKeyData",
    "signedIdentity",
  ], where);
  const requirement: SigstoreSignedRequirement = {
    type: "sigstoreSigned",
    signedIdentity: identity(value, where),
  };
  const keys = parseKeys(value, where, "keyPath", "keyPaths", "keyData");
  const kinds = [keys, value.fulcio, value.pki].filter((x) => x !== undefined).length;
  if (kinds !== 1) {
    fieldError(
      where,
      'exactly one of "keyPath", "keyPaths", "keyData", "fulcio" or "pki" is required',
    );
  }
  if (keys !== undefined) requirement.keys = keys;
  for (const kind of ["fulcio", "pki"] as const) {
    const settings = value[kind];
    if (settings === undefined) continue;
    if (!isJsonObject(settings)) fieldError(`${where}.${kind}`, "must be an object");
    requirement.certificates = { kind, settings };
  }
  const rekor = parseKeys(
    value,
    where,
    "rekorPublicKeyPath",
    "rekorPublicKeyPaths",
    "rekorPublicKeyData",
  );
  if (rekor !== undefined) requirement.rekorKeys = rekor;
  if (value.fulcio !== undefined && rekor === undefined) {
    fieldError(where, '"fulcio" requires one of the "rekorPublicKey*" fields');
  }
  return requirement;
}

function identity(value: JsonObject, where: string): SignedIdentity {
  if (value.signedIdentity === undefined) return { type: "matchRepoDigestOrExact" };
  return parseSignedIdentity(value.signedIdentity, `${where}.signedIdentity`);
}

function parseKeys(
  value: JsonObject,
  where: string,
  pathField: string,
  pathsField: string,
  dataField: string,
): KeySource | undefined {
  const present = [pathField, pathsField, dataField].filter((f) => value[f] !== undefined);
  if (present.length === 0) return undefined;
  if (present.length > 1) {
    fieldError(where, `only one of "${pathField}", "${pathsField}" and "${dataField}" may be set`);
  }
  if (value[pathField] !== undefined) {
    const path = stringField(value, pathField, where);
    if (path === "") fieldError(`${where}.${pathField}`, "is empty");
    return { paths: [path] };
  }
  if (value[pathsField] !== undefined) {
    const paths = value[pathsField];
    if (!Array.isArray(paths) || paths.length === 0) {
      fieldError(`${where}.${pathsField}`, "must be a non-empty array of strings");
    }
    return {
      paths: paths.map((p, i) => {
        if (typeof p !== "string" || p === "") {
          fieldError(`${where}.${pathsField}[${i}]`, "must be a non-empty string");
        }
        return p;
      }),
    };
  }
  const data = stringField(value, dataField, where);
  return { data: decodeBase64(data, `${where}.${dataField}`) };
}

/** Decodes standard base64 strictly (Go's `base64.StdEncoding`). */
export function decodeBase64(text: string, field: string): Uint8Array {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    fieldError(field, "is not valid base64");
  }
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
