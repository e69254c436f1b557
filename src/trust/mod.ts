/**
 * Trust: the signature policy of containers-policy.json(5), parsed strictly, matched per
 * transport scope and enforced on copies, with signatures found through
 * containers-registries.d(5).
 *
 * @example
 * ```ts
 * import { parsePolicy } from "./mod.ts";
 * const policy = parsePolicy('{"default": [{"type": "insecureAcceptAnything"}]}');
 * console.log(policy.default.length); // 1
 * ```
 *
 * @module
 */
export {
  ACCEPT_ANYTHING_POLICY,
  type AcceptAnythingRequirement,
  acceptsAnything,
  type KeySource,
  type PolicyRequirement,
  type RejectRequirement,
  type SignaturePolicy,
  type SignedByRequirement,
  type SignedIdentity,
  type SigstoreSignedRequirement,
} from "./policy.ts";
export { MAX_POLICY_SIZE, parsePolicy } from "./parse_policy.ts";
export { type PolicyScopes, policyScopes, requirementsFor, validateScope } from "./policy_scope.ts";
export { identityMatches } from "./match_identity.ts";
export {
  loadSignaturePolicy,
  policyPaths,
  signatureLocations,
  SYSTEM_POLICY_PATH,
  type TrustDecision,
  type TrustEnvironment,
  TrustPolicy,
} from "./trust_policy.ts";
export type { VerifiedSignature } from "./evaluate_requirements.ts";
export {
  type ImageSignature,
  readImageSignatures,
  type SignatureLocations,
} from "./image_signatures.ts";
export { checkSignable, signImage, type SignResult, signWritten } from "./sign_image.ts";
export { copySignedImage, type SignedCopyOptions } from "./copy_signed_image.ts";
