/**
 * Whether the identity a signature claims is acceptable for an image, per the
 * `signedIdentity` rule of containers-policy.json(5).
 *
 * @module
 */
import { parseNormalizedName, type Reference } from "../reference/mod.ts";
import type { SignedIdentity } from "./policy.ts";

function parse(input: string | undefined): Reference | undefined {
  if (input === undefined) return undefined;
  try {
    return parseNormalizedName(input);
  } catch {
    return undefined;
  }
}

function nameOnly(ref: Reference): boolean {
  return ref.tag === undefined && ref.digest === undefined;
}

function repoDigestOrExact(image: Reference, signature: Reference): boolean {
  if (image.digest !== undefined) return image.name === signature.name;
  if (image.tag !== undefined) {
    return !nameOnly(signature) && signature.toString() === image.toString();
  }
  return false;
}

/** Whether `ref` (a full reference string) starts with the remap `prefix`. */
function hasPrefix(ref: string, prefix: string): boolean {
  if (ref.length === prefix.length) return ref === prefix;
  if (!ref.startsWith(prefix)) return false;
  return ref.length > prefix.length && ":/@".includes(ref[prefix.length]);
}

/**
 * Whether a signature claiming `signedReference` is acceptable for the image known as
 * `imageReference` (its full docker reference, `undefined` when the transport has none).
 *
 * @example
 * ```ts
 * import { identityMatches } from "./match_identity.ts";
 * identityMatches({ type: "matchRepository" }, "example.com/app:latest", "example.com/app:1");
 * // true
 * ```
 */
export function identityMatches(
  rule: SignedIdentity,
  imageReference: string | undefined,
  signedReference: string,
): boolean {
  const signature = parse(signedReference);
  if (signature === undefined) return false;
  if (rule.type === "exactReference") {
    return !nameOnly(signature) &&
      signature.toString() === parse(rule.dockerReference)?.toString();
  }
  if (rule.type === "exactRepository") {
    return signature.name === parse(rule.dockerRepository)?.name;
  }
  let image = parse(imageReference);
  if (image === undefined) return false;
  switch (rule.type) {
    case "matchExact":
      return !nameOnly(image) && !nameOnly(signature) && image.toString() === signature.toString();
    case "matchRepository":
      return image.name === signature.name;
    case "remapIdentity": {
      const full = image.toString();
      if (hasPrefix(full, rule.prefix)) {
        image = parse(rule.signedPrefix + full.slice(rule.prefix.length));
        if (image === undefined) return false;
      }
      return repoDigestOrExact(image, signature);
    }
    default:
      return repoDigestOrExact(image, signature);
  }
}
