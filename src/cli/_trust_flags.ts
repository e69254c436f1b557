/**
 * The trust flags: `--signature-policy` and `--registries.d` (where policy and signature
 * storage come from) for commands that copy images in, and the signing flags of `push`:
 * `--sign-by`, `--sign-by-key-file`, `--sign-by-sigstore-private-key`,
 * `--sign-passphrase-file`, `--sign-identity`, `--remove-signatures`.
 *
 * @module
 */
import { UsageError } from "./_errors.ts";
import { hostFileSystem } from "../fs/mod.ts";
import type { RuntimeOptions } from "../runtime/mod.ts";
import type { ImageSigner } from "../signature/image_signer.ts";
import type { FlagSpecs, ParsedArgs } from "./_args.ts";
import { boolFlag, stringFlag } from "./_args.ts";

/** `--signature-policy` and `--registries.d`. */
export const policyFlags: FlagSpecs = {
  "signature-policy": {
    type: "string",
    help: "Path to a signature verification policy file (containers-policy.json)",
    valueName: "path",
  },
  "registries.d": {
    type: "string",
    help: "Directory with registries.d configuration (where signatures are stored)",
    valueName: "dir",
  },
};

/** The signing flags. */
export const signingFlags: FlagSpecs = {
  "sign-by": {
    type: "string",
    help: "Sign the image with the GPG key of this fingerprint (uses gpg)",
    valueName: "fingerprint",
  },
  "sign-by-key-file": {
    type: "string",
    help: "Sign the image with this OpenPGP private key file (armored or binary), without gpg",
    valueName: "path",
  },
  "sign-by-sigstore-private-key": {
    type: "string",
    help: "Sign the image with this sigstore (cosign-format) private key",
    valueName: "path",
  },
  "sign-passphrase-file": {
    type: "string",
    help: "Read the passphrase of the signing key from this file",
    valueName: "path",
  },
  "sign-identity": {
    type: "string",
    help: "The identity the signatures claim (default: the destination name)",
    valueName: "reference",
  },
  "remove-signatures": { type: "boolean", help: "Do not copy signatures of the source image" },
};

/** The runtime options the policy flags give. */
export function policyOptions(args: ParsedArgs): Partial<RuntimeOptions> {
  const options: Partial<RuntimeOptions> = {};
  const policy = stringFlag(args, "signature-policy");
  if (policy !== undefined) options.signaturePolicyPath = policy;
  const dir = stringFlag(args, "registries.d");
  if (dir !== undefined) options.registriesDirPath = dir;
  return options;
}

/** Reads a passphrase file: its content without one trailing newline. */
export async function readPassphraseFile(path: string): Promise<string> {
  const text = await hostFileSystem().readTextFile(path);
  return text.replace(/\r?\n$/, "");
}

/** The signing options of push: signers built from the flags, and the rest. */
export async function signingOptions(
  args: ParsedArgs,
  env: Record<string, string | undefined>,
): Promise<{ signers?: ImageSigner[]; signIdentity?: string; removeSignatures?: boolean }> {
  const signers: ImageSigner[] = [];
  const passphraseFile = stringFlag(args, "sign-passphrase-file");
  const fingerprint = stringFlag(args, "sign-by");
  const keyFile = stringFlag(args, "sign-by-key-file");
  const sigstoreKey = stringFlag(args, "sign-by-sigstore-private-key");
  if (
    passphraseFile !== undefined && keyFile === undefined && sigstoreKey === undefined &&
    fingerprint === undefined
  ) {
    throw new UsageError("--sign-passphrase-file", "needs a signing key flag");
  }
  if (fingerprint !== undefined) {
    if (fingerprint === "") throw new UsageError("--sign-by", "the fingerprint is empty");
    const { gpgSigner } = await import("../signature/gpg_signer.ts");
    signers.push(gpgSigner(fingerprint, { env, passphraseFile }));
  }
  const fs = hostFileSystem();
  if (keyFile !== undefined) {
    const { openpgpSigner, readPrivateKey } = await import("../signature/mod.ts");
    const passphrase = passphraseFile === undefined
      ? undefined
      : await readPassphraseFile(passphraseFile);
    signers.push(
      openpgpSigner(await readPrivateKey(await fs.readFile(keyFile), keyFile, passphrase)),
    );
  }
  if (sigstoreKey !== undefined) {
    const { decryptCosignKey, sigstoreSigner } = await import("../signature/mod.ts");
    const passphrase = passphraseFile === undefined ? "" : await readPassphraseFile(passphraseFile);
    const key = await decryptCosignKey(
      await fs.readFile(sigstoreKey),
      new TextEncoder().encode(passphrase),
      sigstoreKey,
    );
    signers.push(sigstoreSigner(key));
  }
  const result: { signers?: ImageSigner[]; signIdentity?: string; removeSignatures?: boolean } = {};
  if (signers.length > 0) result.signers = signers;
  const identity = stringFlag(args, "sign-identity");
  if (identity !== undefined) result.signIdentity = identity;
  if (boolFlag(args, "remove-signatures")) result.removeSignatures = true;
  return result;
}
