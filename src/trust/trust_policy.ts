/**
 * {@linkcode TrustPolicy}: a signature policy with the places its keys and signatures are
 * read from, as the copy engine asks it about each source image before copying anything.
 *
 * @module
 */
import { posix } from "../fs/posix_path.ts";
import { ImageRejectedError, PolicyError } from "../errors.ts";
import { type FileSystem, isNotFound } from "../fs/mod.ts";
import { loadRegistriesD, type RegistriesDConfig } from "../config/registries_d.ts";
import type { ImageSource, ManifestBytes, TransportContext } from "../transports/types.ts";
import type { SourceVerification, VerifiedSignatureInfo } from "../types/mod.ts";
import {
  evaluateRequirements,
  KeyCache,
  PolicyRejection,
  type VerifiedSignature,
} from "./evaluate_requirements.ts";
import {
  type ImageSignature,
  readImageSignatures,
  type SignatureLocations,
} from "./image_signatures.ts";
import { parsePolicy } from "./parse_policy.ts";
import { acceptsAnything, type SignaturePolicy } from "./policy.ts";
import { requirementsFor } from "./policy_scope.ts";

/** The system-wide policy file. */
export const SYSTEM_POLICY_PATH = "/etc/containers/policy.json";

/** Where policies, registries.d and the built-in lookaside are found. */
export interface TrustEnvironment {
  /** The file system. */
  fs: FileSystem;
  /** The user's home directory. */
  homeDir: string;
  /** The effective user ID. @default 1000 (rootless) */
  uid?: number;
  /** A registries.d directory instead of the default ones. */
  registriesDir?: string;
  /**
   * The absolute working directory relative `oci:`/`dir:` paths are resolved against for
   * path scopes. @default none: a relative path matches only the transport's `""` scope
   */
  cwd?: string;
  /** The clock that stamps verifications. @default () => new Date() */
  now?: () => Date;
}

/**
 * The policy files looked at, in order: `explicit` alone when given, else
 * `~/.config/containers/policy.json` then `/etc/containers/policy.json`.
 */
export function policyPaths(homeDir: string, explicit?: string): string[] {
  return explicit !== undefined
    ? [explicit]
    : [posix.join(homeDir, ".config/containers/policy.json"), SYSTEM_POLICY_PATH];
}

/**
 * The policy file containers/image would use: `path` when given (it must exist), else
 * `~/.config/containers/policy.json`, else `/etc/containers/policy.json`; `undefined`
 * when neither default exists.
 *
 * @throws {PolicyError} when the file cannot be read or is invalid.
 */
export async function loadSignaturePolicy(
  env: Pick<TrustEnvironment, "fs" | "homeDir">,
  path?: string,
): Promise<SignaturePolicy | undefined> {
  for (const candidate of policyPaths(env.homeDir, path)) {
    let bytes: Uint8Array;
    try {
      bytes = await env.fs.readFile(candidate);
    } catch (error) {
      if (isNotFound(error) && path === undefined) continue;
      throw new PolicyError(candidate, `cannot read the file (${(error as Error).message})`, {
        cause: error,
      });
    }
    return parsePolicy(bytes, candidate);
  }
  return undefined;
}

/**
 * Where signatures of `env` are read and written: registries.d loaded on first use, the
 * built-in lookaside under the home directory.
 */
export function signatureLocations(env: TrustEnvironment): SignatureLocations {
  let registriesD: Promise<RegistriesDConfig> | undefined;
  return {
    fs: env.fs,
    homeDir: env.homeDir,
    uid: env.uid ?? 1000,
    registriesD: () => {
      registriesD ??= loadRegistriesD({ fs: env.fs, dir: env.registriesDir, homeDir: env.homeDir });
      return registriesD;
    },
  };
}

/** What a check found: the scope used and the signatures that satisfied it. */
export interface TrustDecision {
  /** The transport-qualified reference checked. */
  reference: string;
  /** The manifest digest checked. */
  manifestDigest: string;
  /** The policy scope whose requirements applied (`default` for the global default). */
  scope: string;
  /** The signatures that were verified (empty when none were required). */
  signatures: VerifiedSignature[];
  /** When the check was made, ISO 8601. */
  verifiedAt: string;
}

/**
 * A signature policy bound to where keys, registries.d and lookasides live; the
 * `sourcePolicy` of a copy.
 *
 * @example
 * ```ts ignore
 * const trust = new TrustPolicy(parsePolicy(text), { fs, homeDir });
 * await copyImage(src, dest, { context, sourcePolicy: trust });
 * ```
 */
export class TrustPolicy {
  /** The policy. */
  readonly policy: SignaturePolicy;
  /** What the last checks found, most recent last (bounded). */
  readonly decisions: TrustDecision[] = [];
  readonly #locations: SignatureLocations;
  readonly #keys: KeyCache;
  readonly #cwd: string | undefined;
  readonly #now: () => Date;

  /** Binds `policy` to `env`; `locations` may be shared with signing. */
  constructor(
    policy: SignaturePolicy,
    env: TrustEnvironment,
    locations: SignatureLocations = signatureLocations(env),
  ) {
    this.policy = policy;
    this.#keys = new KeyCache(env.fs);
    this.#cwd = env.cwd;
    this.#now = env.now ?? (() => new Date());
    this.#locations = locations;
  }

  /** Where signatures are read from and written to. */
  get locations(): SignatureLocations {
    return this.#locations;
  }

  /** Whether the policy accepts every image without looking at signatures. */
  get acceptsAnything(): boolean {
    return acceptsAnything(this.policy);
  }

  /**
   * Checks the manifest `manifest` of `source` (a top-level image, a list copied whole,
   * or an instance) before anything of it is copied; signatures are read only when a
   * requirement needs them. Resolves with what was verified when signatures were, for the
   * destination to record.
   *
   * @throws {ImageRejectedError} "Source image rejected: …" when the policy says no.
   * @throws {SignatureError} when required signatures cannot be read.
   * @throws {KeyError} when a key the policy names cannot be read.
   */
  async checkSource(
    source: ImageSource,
    manifest: ManifestBytes,
    context: TransportContext,
  ): Promise<SourceVerification | undefined> {
    const ref = source.reference;
    const { scope, requirements } = requirementsFor(this.policy, ref, this.#cwd);
    let signatures: Promise<ImageSignature[]> | undefined;
    const image = {
      reference: ref.toString(),
      dockerReference: ref.dockerReference,
      manifest: manifest.bytes,
      signatures: () => {
        signatures ??= readImageSignatures(ref, manifest.digest, this.#locations, context);
        return signatures;
      },
    };
    let verified: VerifiedSignature[];
    try {
      verified = await evaluateRequirements(requirements, image, this.#keys);
    } catch (error) {
      if (error instanceof PolicyRejection) {
        throw new ImageRejectedError(ref.toString(), error.message, { cause: error });
      }
      throw error;
    }
    const decision: TrustDecision = {
      reference: ref.toString(),
      manifestDigest: manifest.digest,
      scope,
      signatures: verified,
      verifiedAt: this.#now().toISOString(),
    };
    this.decisions.push(decision);
    if (this.decisions.length > 64) this.decisions.shift();
    if (verified.length === 0) return undefined;
    return {
      source: decision.reference,
      manifestDigest: decision.manifestDigest,
      scope,
      verifiedAt: decision.verifiedAt,
      signatures: verified.map((s): VerifiedSignatureInfo => ({
        requirement: s.requirement,
        keyFingerprint: s.keyFingerprint,
        ...(s.keyIdentity === undefined ? {} : { keyIdentity: s.keyIdentity }),
        signedIdentity: s.signedIdentity,
        location: s.location,
      })),
    };
  }
}
