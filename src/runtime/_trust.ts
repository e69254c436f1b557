/**
 * The runtime's signature policy: loaded once, on the first copy that needs it, from
 * `signaturePolicyPath` or containers/image's default places. No policy file, or one that
 * accepts anything, means no check at all (no signature is ever fetched).
 *
 * @module
 */
import type { FileSystem } from "../fs/mod.ts";
import {
  loadSignaturePolicy,
  type SignatureLocations,
  signatureLocations,
  TrustPolicy,
} from "../trust/mod.ts";

/** The signature locations of `settings` (registries.d read on first use). */
export function runtimeSignatureLocations(settings: TrustSettings): SignatureLocations {
  return signatureLocations({ ...settings, registriesDir: settings.registriesDirPath });
}

/** Where the policy and registries.d are found. */
export interface TrustSettings {
  /** The file system. */
  fs: FileSystem;
  /** The user's home directory. */
  homeDir: string;
  /** The effective user ID. */
  uid: number;
  /** The policy file to use instead of the default ones. */
  signaturePolicyPath?: string;
  /** The registries.d directory to use instead of the default ones. */
  registriesDirPath?: string;
}

/** A function that loads (once) the policy to enforce, or `undefined` for none. */
export function trustLoader(
  settings: TrustSettings,
  locations: SignatureLocations,
): () => Promise<TrustPolicy | undefined> {
  let loaded: Promise<TrustPolicy | undefined> | undefined;
  return () => {
    loaded ??= (async () => {
      const policy = await loadSignaturePolicy(settings, settings.signaturePolicyPath);
      if (policy === undefined) return undefined;
      const trust = new TrustPolicy(policy, settings, locations);
      return trust.acceptsAnything ? undefined : trust;
    })();
    const current = loaded;
    current.catch(() => {
      if (loaded === current) loaded = undefined;
    });
    return current;
  };
}
