/**
 * The JSON payload of a container signature (containers-signature(5)): what image
 * (`critical.image.docker-manifest-digest`) is claimed to be what
 * (`critical.identity.docker-reference`). Simple signing and sigstore share it and differ
 * in `critical.type`.
 *
 * @module
 */
import { InvalidSignature } from "./invalid_signature.ts";
import { isJsonObject, type JsonObject, type JsonValue, parseStrictJson } from "./strict_json.ts";

/** `critical.type` of a simple signing signature. */
export const SIMPLE_SIGNING_TYPE = "atomic container signature";
/** `critical.type` of a sigstore (cosign) signature. */
export const SIGSTORE_TYPE = "cosign container image signature";

/** What a signature payload claims. */
export interface SignaturePayload {
  /** The claimed identity, a docker reference (cosign writes a repository only). */
  dockerReference: string;
  /** The digest of the signed manifest. */
  manifestDigest: string;
  /** `optional.creator`, when present. */
  creator?: string;
  /** `optional.timestamp` (seconds since the epoch), when present. */
  timestamp?: number;
}

/**
 * Serializes a payload of `type` (simple signing by default) with the members in the
 * order containers/image writes them.
 *
 * @example
 * ```ts
 * import { createSignaturePayload } from "./signature_payload.ts";
 * const bytes = createSignaturePayload({
 *   dockerReference: "example.com/app:1",
 *   manifestDigest: "sha256:" + "0".repeat(64),
 * });
 * ```
 */
export function createSignaturePayload(
  payload: SignaturePayload,
  type: string = SIMPLE_SIGNING_TYPE,
): Uint8Array {
  const optional: Record<string, unknown> = {};
  if (payload.creator !== undefined) optional.creator = payload.creator;
  if (payload.timestamp !== undefined) optional.timestamp = payload.timestamp;
  return new TextEncoder().encode(JSON.stringify({
    critical: {
      identity: { "docker-reference": payload.dockerReference },
      image: { "docker-manifest-digest": payload.manifestDigest },
      type,
    },
    optional,
  }));
}

function exact(object: JsonValue, fields: string[], where: string): JsonObject {
  if (!isJsonObject(object)) throw new InvalidSignature(`${where} is not a JSON object`);
  for (const key of Object.keys(object)) {
    if (!fields.includes(key)) throw new InvalidSignature(`${where} has an unknown field "${key}"`);
  }
  for (const key of fields) {
    if (object[key] === undefined) throw new InvalidSignature(`${where} lacks the field "${key}"`);
  }
  return object;
}

function str(object: JsonObject, key: string, where: string): string {
  const value = object[key];
  if (typeof value !== "string") throw new InvalidSignature(`${where}.${key} is not a string`);
  return value;
}

/**
 * Parses an authenticated payload strictly: the critical part must have exactly the
 * expected members and `critical.type` must be `type`; `optional` members are checked
 * only where known. Call it only on bytes whose signature was verified.
 *
 * @throws {InvalidSignature} describing what is wrong.
 */
export function parseSignaturePayload(
  bytes: Uint8Array,
  type: string = SIMPLE_SIGNING_TYPE,
): SignaturePayload {
  let json: JsonValue;
  try {
    json = parseStrictJson(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw new InvalidSignature(
      `the signature payload is not valid JSON: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const top = exact(json, ["critical", "optional"], "the signature payload");
  const critical = exact(top.critical, ["type", "image", "identity"], "critical");
  const actualType = str(critical, "type", "critical");
  if (actualType !== type) {
    throw new InvalidSignature(`unrecognized signature type "${actualType}" (expected "${type}")`);
  }
  const image = exact(critical.image, ["docker-manifest-digest"], "critical.image");
  const manifestDigest = str(image, "docker-manifest-digest", "critical.image");
  if (!/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(manifestDigest)) {
    throw new InvalidSignature(
      `critical.image.docker-manifest-digest "${manifestDigest}" is invalid`,
    );
  }
  const identity = exact(critical.identity, ["docker-reference"], "critical.identity");
  const result: SignaturePayload = {
    dockerReference: str(identity, "docker-reference", "critical.identity"),
    manifestDigest,
  };
  const optional = top.optional;
  if (optional === null && type === SIGSTORE_TYPE) return result;
  if (!isJsonObject(optional)) throw new InvalidSignature("optional is not a JSON object");
  if (optional.creator !== undefined) result.creator = str(optional, "creator", "optional");
  if (optional.timestamp !== undefined) {
    const t = optional.timestamp;
    if (typeof t !== "number" || !Number.isSafeInteger(t)) {
      throw new InvalidSignature("optional.timestamp is not an integer");
    }
    result.timestamp = t;
  }
  return result;
}
