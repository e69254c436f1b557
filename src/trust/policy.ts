/**
 * The signature policy of containers-policy.json(5) as data: requirement lists for a
 * global default, per transport and per scope.
 *
 * @module
 */

/** What the signature's claimed identity must be, relative to the image's. */
export type SignedIdentity =
  | { type: "matchExact" }
  | { type: "matchRepoDigestOrExact" }
  | { type: "matchRepository" }
  | { type: "exactReference"; dockerReference: string }
  | { type: "exactRepository"; dockerRepository: string }
  | { type: "remapIdentity"; prefix: string; signedPrefix: string };

/** Where the keys of a requirement come from: one or more files, or inline data. */
export interface KeySource {
  /** Key files, as listed in `keyPath` or `keyPaths`. */
  paths?: string[];
  /** The decoded `keyData`. */
  data?: Uint8Array;
}

/** `{"type": "insecureAcceptAnything"}`: accepts every image. */
export interface AcceptAnythingRequirement {
  /** The requirement type. */
  type: "insecureAcceptAnything";
}

/** `{"type": "reject"}`: rejects every image. */
export interface RejectRequirement {
  /** The requirement type. */
  type: "reject";
}

/** `signedBy`: a simple signing signature made by one of the OpenPGP keys. */
export interface SignedByRequirement {
  /** The requirement type. */
  type: "signedBy";
  /** The key type; only `GPGKeys` exists. */
  keyType: "GPGKeys";
  /** The OpenPGP keyrings (binary or armored). */
  keys: KeySource;
  /** The identity rule. @default matchRepoDigestOrExact */
  signedIdentity: SignedIdentity;
}

/** `sigstoreSigned`: a sigstore signature made by one of the public keys (or Fulcio/PKI). */
export interface SigstoreSignedRequirement {
  /** The requirement type. */
  type: "sigstoreSigned";
  /** Public keys in PEM, when the requirement uses keys. */
  keys?: KeySource;
  /** The Fulcio or PKI settings, kept as parsed; stevedore cannot verify them offline. */
  certificates?: { kind: "fulcio" | "pki"; settings: Record<string, unknown> };
  /** Rekor public keys, when given. */
  rekorKeys?: KeySource;
  /** The identity rule. @default matchRepoDigestOrExact */
  signedIdentity: SignedIdentity;
}

/** One policy requirement. */
export type PolicyRequirement =
  | AcceptAnythingRequirement
  | RejectRequirement
  | SignedByRequirement
  | SigstoreSignedRequirement;

/** A parsed containers-policy.json(5). */
export interface SignaturePolicy {
  /** Where the policy was read from (for messages and key paths). */
  source: string;
  /** The global default requirements (never empty). */
  default: PolicyRequirement[];
  /** Requirements per transport name, then per scope (`""` is the transport default). */
  transports: Record<string, Record<string, PolicyRequirement[]>>;
}

/** The policy used when no policy file exists: accept anything, verify nothing. */
export const ACCEPT_ANYTHING_POLICY: SignaturePolicy = Object.freeze({
  source: "(built-in default)",
  default: [{ type: "insecureAcceptAnything" }],
  transports: {},
}) as SignaturePolicy;

/** Whether every requirement that can apply to any image is `insecureAcceptAnything`. */
export function acceptsAnything(policy: SignaturePolicy): boolean {
  const lists = [policy.default];
  for (const scopes of Object.values(policy.transports)) lists.push(...Object.values(scopes));
  return lists.every((list) => list.every((r) => r.type === "insecureAcceptAnything"));
}
