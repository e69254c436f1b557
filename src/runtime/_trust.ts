/**
 * The runtime's signature policy: loaded on the first copy that needs it (and again when
 * the file changes), from `signaturePolicyPath` or containers/image's default places. No policy file, or one that
 * accepts anything, means no check at all (no signature is ever fetched). The trust code
 * itself is imported on first use, so commands that copy nothing do not load it.
 *
 * @module
 */
import { type FileSystem, isNotFound } from "../fs/mod.ts";
import type { SignatureLocations, TrustPolicy } from "../trust/mod.ts";

/** The trust policy module, imported once, on first use. */
let trustModule: Promise<typeof import("../trust/trust_policy.ts")> | undefined;
function trustCode(): Promise<typeof import("../trust/trust_policy.ts")> {
  return trustModule ??= import("../trust/trust_policy.ts");
}

/** The signature locations of `settings` (registries.d read on first use). */
export function runtimeSignatureLocations(settings: TrustSettings): SignatureLocations {
  let locations: Promise<SignatureLocations> | undefined;
  return {
    fs: settings.fs,
    homeDir: settings.homeDir,
    uid: settings.uid,
    registriesD: async () => {
      locations ??= trustCode().then((module) =>
        module.signatureLocations({ ...settings, registriesDir: settings.registriesDirPath })
      );
      return await (await locations).registriesD();
    },
  };
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
  /** The absolute directory relative `oci:`/`dir:` paths are resolved against for scopes. */
  cwd?: string;
  /** The clock that stamps verifications. */
  now?: () => Date;
}

/** Which policy file is in force and its version (`path|mtime|size`), or `none`. */
async function policyStamp(settings: TrustSettings): Promise<string> {
  const candidates = (await trustCode()).policyPaths(
    settings.homeDir,
    settings.signaturePolicyPath,
  );
  for (const path of candidates) {
    try {
      const info = await settings.fs.stat(path);
      return `${path}|${info.mtimeMs}|${info.size}`;
    } catch (error) {
      if (!isNotFound(error)) return `${path}|unreadable`;
    }
  }
  return settings.signaturePolicyPath === undefined ? "none" : `${candidates[0]}|missing`;
}

/**
 * A function that gives the policy to enforce, or `undefined` for none. The file is
 * parsed again only when it changed (one `stat` a call), so a long-running server follows
 * edits as podman's service does.
 */
export function trustLoader(
  settings: TrustSettings,
  locations: SignatureLocations,
): () => Promise<TrustPolicy | undefined> {
  let cached: { stamp: string; trust: Promise<TrustPolicy | undefined> } | undefined;
  return async () => {
    const stamp = await policyStamp(settings);
    if (cached?.stamp !== stamp) {
      const trust = (async () => {
        const { loadSignaturePolicy, TrustPolicy } = await trustCode();
        const policy = await loadSignaturePolicy(settings, settings.signaturePolicyPath);
        if (policy === undefined) return undefined;
        const trust = new TrustPolicy(policy, settings, locations);
        return trust.acceptsAnything ? undefined : trust;
      })();
      const entry = { stamp, trust };
      cached = entry;
      trust.catch(() => {
        if (cached === entry) cached = undefined;
      });
    }
    return await cached.trust;
  };
}
