/**
 * The policy as podman's `image trust show` lists it: one row a scope, with the kind of
 * requirement, the identities of the keys and the lookaside of the scope.
 *
 * @module
 */
import {
  defaultLookaside,
  type RegistriesDConfig,
  signatureStorageFor,
} from "../config/registries_d.ts";
import type { FileSystem } from "../fs/mod.ts";
import { readPublicKeys } from "../signature/openpgp.ts";
import type { PolicyRequirement, SignaturePolicy } from "./policy.ts";

/** One row of `image trust show` (the JSON shape is containers/common's). */
export interface TrustEntry {
  /** `all` for the default, `repository` for docker scopes, else the transport name. */
  transport: string;
  /** The scope (`default` for the global default). */
  name: string;
  /** The repository of a docker scope. */
  repo_name?: string;
  /** The key files of the requirements. */
  keys?: string[];
  /** The lookaside of a docker scope. */
  sigstore?: string;
  /** `accept`, `reject`, `signed` or `sigstoreSigned` (joined by `,` when mixed). */
  type: string;
  /** The e-mail addresses (or user IDs) of the GPG keys. */
  gpg_id?: string;
}

const TYPE_NAMES: Record<PolicyRequirement["type"], string> = {
  insecureAcceptAnything: "accept",
  reject: "reject",
  signedBy: "signed",
  sigstoreSigned: "sigstoreSigned",
};

async function gpgIds(fs: FileSystem, requirements: PolicyRequirement[]): Promise<string> {
  const ids: string[] = [];
  for (const requirement of requirements) {
    if (requirement.type !== "signedBy") continue;
    const sources = requirement.keys.data !== undefined
      ? [{ what: "keyData", read: () => Promise.resolve(requirement.keys.data!) }]
      : (requirement.keys.paths ?? []).map((path) => ({
        what: path,
        read: () => fs.readFile(path),
      }));
    for (const source of sources) {
      try {
        for (const key of await readPublicKeys(await source.read(), source.what)) {
          for (const user of key.getUserIDs()) ids.push(/<([^>]+)>/.exec(user)?.[1] ?? user);
        }
      } catch {
        ids.push(`(unreadable ${source.what})`);
      }
    }
  }
  return [...new Set(ids)].join(", ");
}

/**
 * Lists `policy` as rows: the default first, then each transport's scopes in file order.
 * GPG key files are read for their user IDs (an unreadable one is shown as such).
 */
export async function trustEntries(
  policy: SignaturePolicy,
  registriesD: RegistriesDConfig,
  env: { fs: FileSystem; homeDir: string; uid: number },
): Promise<TrustEntry[]> {
  const rows: TrustEntry[] = [];
  const describe = async (
    transport: string,
    name: string,
    requirements: PolicyRequirement[],
  ): Promise<TrustEntry> => {
    const entry: TrustEntry = {
      transport,
      name,
      type: [...new Set(requirements.map((r) => TYPE_NAMES[r.type]))].join(","),
    };
    const keys = requirements.flatMap((r) =>
      r.type === "signedBy" || r.type === "sigstoreSigned" ? r.keys?.paths ?? [] : []
    );
    if (keys.length > 0) entry.keys = keys;
    const ids = await gpgIds(env.fs, requirements);
    if (ids !== "") entry.gpg_id = ids;
    if (transport === "repository") {
      entry.repo_name = name;
      const scopes: string[] = [];
      for (let s = name; s !== ""; s = s.includes("/") ? s.slice(0, s.lastIndexOf("/")) : "") {
        scopes.push(s);
      }
      const storage = signatureStorageFor(
        registriesD,
        scopes,
        defaultLookaside(env.homeDir, env.uid),
      );
      entry.sigstore = storage.read;
    }
    return entry;
  };
  rows.push(await describe("all", "default", policy.default));
  for (const [transport, scopes] of Object.entries(policy.transports)) {
    for (const [scope, requirements] of Object.entries(scopes)) {
      const kind = transport === "docker" && scope !== "" ? "repository" : transport;
      rows.push(await describe(kind, scope, requirements));
    }
  }
  return rows;
}
