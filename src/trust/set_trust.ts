/**
 * Editing a policy file as podman's `image trust set` does: the requirements of one
 * docker scope (or of `default`) are replaced, everything else in the file is kept, and
 * the result is validated before it is written atomically.
 *
 * @module
 */
import { PolicyError } from "../errors.ts";
import { type FileSystem, isNotFound, writeFileAtomic } from "../fs/mod.ts";
import {
  isJsonObject,
  type JsonObject,
  type JsonValue,
  parseStrictJson,
} from "../signature/strict_json.ts";
import { enableSigstoreAttachments } from "./enable_sigstore_attachments.ts";
import { parsePolicy } from "./parse_policy.ts";

/** The kinds of trust `image trust set --type` takes. */
export type TrustType = "accept" | "reject" | "signedBy" | "sigstoreSigned";

/** What to set. */
export interface SetTrustOptions {
  /** The kind of requirement. */
  type: TrustType;
  /** The public key files (required for `signedBy` and `sigstoreSigned`). */
  publicKeyFiles?: string[];
  /**
   * For `sigstoreSigned`: the registries.d directory in which sigstore attachments are
   * enabled for the scope (where such signatures are found). @default none is edited
   */
  registriesDir?: string;
}

/** The message of a bad argument, in the words of the command line that gave it. */
function usage(input: string, detail: string): string {
  return `Cannot use "${input}": ${detail}`;
}

/** The requirement list `options` stand for (one requirement a key, as podman writes). */
export function trustRequirements(options: SetTrustOptions): JsonObject[] {
  const keys = options.publicKeyFiles ?? [];
  switch (options.type) {
    case "accept":
    case "reject":
      if (keys.length > 0) {
        throw new TypeError(usage(
          "--pubkeysfile",
          `public keys are not allowed with --type=${options.type}`,
        ));
      }
      return [{ type: options.type === "accept" ? "insecureAcceptAnything" : "reject" }];
    case "signedBy":
    case "sigstoreSigned":
      if (keys.length === 0) {
        throw new TypeError(usage(
          "--pubkeysfile",
          `at least one public key must be defined for type "${options.type}"`,
        ));
      }
      return keys.map((keyPath): JsonObject =>
        options.type === "signedBy"
          ? { type: "signedBy", keyType: "GPGKeys", keyPath }
          : { type: "sigstoreSigned", keyPath }
      );
    default:
      throw new TypeError(usage(
        `--type=${options.type}`,
        "must be accept, reject, signedBy or sigstoreSigned",
      ));
  }
}

/**
 * Sets the requirements of `scope` (`default`, or a docker registry, namespace or
 * repository) in the policy file `path` (created when missing) and writes it back; for
 * `sigstoreSigned` with `registriesDir`, first enables sigstore attachments for the scope
 * there.
 *
 * @throws {PolicyError} when the existing file is invalid or the result would be.
 * @throws {TypeError} for a type and key combination podman refuses.
 */
export async function setTrust(
  fs: FileSystem,
  path: string,
  scope: string,
  options: SetTrustOptions,
): Promise<void> {
  if (scope === "") throw new TypeError(usage("REGISTRY", "the scope is empty"));
  const requirements = trustRequirements(options);
  let document: JsonValue = { default: [{ type: "insecureAcceptAnything" }], transports: {} };
  try {
    const text = await fs.readTextFile(path);
    parsePolicy(text, path);
    document = parseStrictJson(text);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  if (!isJsonObject(document)) throw new PolicyError(path, "not a JSON object");
  if (scope === "default") {
    document.default = requirements;
  } else {
    const transports = isJsonObject(document.transports) ? document.transports : {};
    const docker = isJsonObject(transports.docker) ? transports.docker : {};
    docker[scope] = requirements;
    transports.docker = docker;
    document.transports = transports;
  }
  const text = JSON.stringify(document, null, 4) + "\n";
  parsePolicy(text, path);
  if (options.type === "sigstoreSigned" && options.registriesDir !== undefined) {
    await enableSigstoreAttachments(fs, options.registriesDir, scope);
  }
  const dir = path.slice(0, path.lastIndexOf("/"));
  if (dir !== "") await fs.mkdir(dir, { recursive: true });
  await writeFileAtomic(fs, path, text, { mode: 0o644 });
}
