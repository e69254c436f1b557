/**
 * What a signature policy verified about an image before it was copied: the record the
 * local store keeps with the image and `inspect` shows.
 *
 * @module
 */

/** One signature that satisfied a signature requirement of the policy. */
export interface VerifiedSignatureInfo {
  /** The requirement it satisfied (containers-policy.json(5) `type`). */
  requirement: "signedBy" | "sigstoreSigned";
  /**
   * The key that verified it: the OpenPGP primary key fingerprint (upper-case hex) for
   * `signedBy`; `sha256:<hex>` of the public key's DER SubjectPublicKeyInfo for sigstore.
   */
  keyFingerprint: string;
  /** The first user ID of the OpenPGP key, e.g. `Alice <alice@example.com>`. */
  keyIdentity?: string;
  /** The identity (docker reference) the signature claims. */
  signedIdentity: string;
  /**
   * Where the signature was read: the lookaside URL of the signature file, or the sigstore
   * attachment (`<registry>/<repository>:sha256-<hex>.sig` and the layer's position).
   */
  location: string;
}

/** A source image the policy verified, and the signatures that satisfied it. */
export interface SourceVerification {
  /** The transport-qualified source reference, e.g. `docker://quay.io/app:1`. */
  source: string;
  /** The digest of the source manifest that was verified. */
  manifestDigest: string;
  /** The policy scope whose requirements applied (`default` for the policy default). */
  scope: string;
  /** When it was verified, ISO 8601. */
  verifiedAt: string;
  /** The signatures that satisfied the signature requirements (at least one). */
  signatures: VerifiedSignatureInfo[];
}
