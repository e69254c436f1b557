/**
 * The user's configuration files: registries.conf (with drop-ins, mirrors, blocked and
 * insecure registries), short-name aliases and resolution, credentials (auth.json, Docker
 * config.json, credential helpers) and the default storage location. Every file is read
 * through an injected {@linkcode FileSystem}; the environment, home directory and user ID
 * are injected too.
 *
 * @example
 * ```ts
 * import { MemoryFileSystem } from "../fs/mod.ts";
 * import { loadRegistriesConf, resolveShortName } from "./mod.ts";
 *
 * const fs = new MemoryFileSystem();
 * await fs.mkdir("/etc/containers", { recursive: true });
 * await fs.writeFile(
 *   "/etc/containers/registries.conf",
 *   'unqualified-search-registries = ["registry.fedoraproject.org", "docker.io"]',
 * );
 * const conf = await loadRegistriesConf({ fs, env: {}, homeDir: "/root", uid: 0 });
 * const resolved = await resolveShortName(conf, "fedora", { isTTY: false });
 * resolved.candidates.map((candidate) => candidate.value.toString());
 * // ["registry.fedoraproject.org/fedora:latest", "docker.io/library/fedora:latest"]
 * ```
 *
 * @module
 */
// The types of lower layers that this module's API names, so that this entry documents them.
export type { FileInfo, FileSystem, WriteFileOptions } from "../fs/mod.ts";
export type { Reference } from "../reference/mod.ts";
export type { PathContext } from "./path_context.ts";
export { AUTH_FILE_HELPER, emptyRegistriesConf, loadRegistriesConf } from "./registries_conf.ts";
export type {
  AliasEntry,
  LoadRegistriesConfOptions,
  MirrorConfig,
  PullFromMirror,
  RegistriesConf,
  RegistryConfig,
  ShortNameMode,
} from "./registries_conf.ts";
export { findRegistry, prefixMatchLength, pullSources } from "./registry_match.ts";
export type { PullSource } from "./registry_match.ts";
export {
  addShortNameAlias,
  readShortNameAliases,
  removeShortNameAlias,
  shortNameAliasesPath,
} from "./short_name_aliases.ts";
export { resolveLocally, resolveShortName } from "./short_names.ts";
export type {
  PullCandidate,
  ResolveLocallyOptions,
  ResolveShortNameOptions,
  ShortNameResolution,
} from "./short_names.ts";
export {
  authFilePaths,
  checkAuthKey,
  normalizeAuthFileKey,
  normalizeRegistry,
  parseAuthFile,
  primaryAuthFile,
  readAuthFile,
} from "./auth_files.ts";
export type { AuthEntry, AuthFileContents, AuthFilePath, AuthPathContext } from "./auth_files.ts";
export { getCredentials } from "./credentials.ts";
export type { Credentials, CredentialsContext } from "./credentials.ts";
export { removeCredentials, setCredentials } from "./credentials_write.ts";
export type { WriteCredentialsContext } from "./credentials_write.ts";
export {
  CREDENTIALS_NOT_FOUND,
  helperErase,
  helperGet,
  helperList,
  helperStore,
  isCredentialsNotFound,
} from "./credential_helper.ts";
export type {
  CredentialHelperAction,
  CredentialHelperRunner,
  HelperCredentials,
} from "./credential_helper.ts";
export { createCredentialHelperRunner } from "./credential_helper_process.ts";
export type { CredentialHelperRunnerOptions } from "./credential_helper_process.ts";
export { defaultStorageRoot } from "./storage_paths.ts";
