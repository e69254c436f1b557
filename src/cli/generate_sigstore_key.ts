/**
 * `stevedore generate-sigstore-key`: writes a sigstore key pair as skopeo's command of the
 * same name does: `PREFIX.pub` (PEM public key) and `PREFIX.private` (cosign-format,
 * encrypted with the passphrase). Existing files are never overwritten.
 *
 * @module
 */
import { UsageError } from "./_errors.ts";
import { exists, hostFileSystem } from "../fs/mod.ts";
import { generateSigstoreKeyPair } from "../signature/mod.ts";
import { expectArgs, stringFlag } from "./_args.ts";
import type { Command } from "./_command.ts";
import { readPassphraseFile } from "./_trust_flags.ts";

/** The `generate-sigstore-key` command. */
export const command: Command = {
  name: "generate-sigstore-key",
  usage: "stevedore generate-sigstore-key [options]",
  description: "Generate a sigstore public/private key pair.",
  flags: {
    "output-prefix": {
      type: "string",
      help: "Write the keys to PREFIX.pub and PREFIX.private (default sigstore-key)",
      valueName: "prefix",
    },
    "passphrase-file": {
      type: "string",
      help: "Read the passphrase that encrypts the private key from this file",
      valueName: "path",
    },
  },
  async run(ctx, args) {
    expectArgs("generate-sigstore-key", args.positionals, 0, 0);
    const prefix = stringFlag(args, "output-prefix") ?? "sigstore-key";
    if (prefix === "") throw new UsageError("--output-prefix", "must not be empty");
    const passphraseFile = stringFlag(args, "passphrase-file");
    if (passphraseFile === undefined) {
      throw new UsageError("--passphrase-file", "is required (interactive entry is not supported)");
    }
    const fs = hostFileSystem();
    const publicPath = `${prefix}.pub`;
    const privatePath = `${prefix}.private`;
    for (const path of [publicPath, privatePath]) {
      if (await exists(fs, path)) {
        throw new UsageError(path, "refusing to overwrite an existing file");
      }
    }
    const passphrase = await readPassphraseFile(passphraseFile);
    const pair = await generateSigstoreKeyPair(new TextEncoder().encode(passphrase));
    await fs.writeFile(privatePath, pair.privateKey, { mode: 0o600, sync: true });
    await fs.writeFile(publicPath, pair.publicKey, { mode: 0o644, sync: true });
    await ctx.out(`Key written to "${privatePath}" and "${publicPath}"\n`);
  },
};
