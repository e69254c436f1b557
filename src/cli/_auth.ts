/**
 * What `login` and `logout` share: the credential file and context, the key a registry
 * argument stands for, and the registry's settings from registries.conf.
 *
 * @module
 */
import {
  type CredentialsContext,
  findRegistry,
  loadRegistriesConf,
  primaryAuthFile,
  type RegistriesConf,
} from "../config/mod.ts";
import { lazyCredentialHelperRunner } from "../config/credential_helper.ts";
import { UsageError } from "./_errors.ts";
import { hostFileSystem } from "../fs/mod.ts";
import { currentUid, homeDirOf } from "../fs/process.ts";
import { boolFlag, type ParsedArgs, stringFlag } from "./_args.ts";
import { userCertsTls } from "../config/certs_dir.ts";
import type { RegistryTlsSource } from "../registry/mod.ts";
import type { CommandContext } from "./_command.ts";

/** The credential file to write and the context to read credentials. */
export interface AuthContext {
  /** The file `login` writes and `logout` edits. */
  path: string;
  /** The context for reading credentials. */
  credentials: CredentialsContext;
}

/** The credential file and context for `--authfile` (or the defaults). */
export async function authContext(
  ctx: CommandContext,
  authFile: string | undefined,
): Promise<AuthContext> {
  const env = ctx.io.env;
  const homeDir = homeDirOf(env);
  const uid = currentUid();
  const fs = hostFileSystem();
  const conf = await registriesConfOf(ctx);
  const credentials: CredentialsContext = {
    fs,
    env,
    homeDir,
    uid,
    credentialHelpers: conf.credentialHelpers,
    runCredentialHelper: lazyCredentialHelperRunner(env),
  };
  if (authFile !== undefined) credentials.authFile = authFile;
  return { path: primaryAuthFile(credentials), credentials };
}

/** The auth-file key of a registry argument (`https://` and trailing `/` dropped). */
export function registryKey(input: string): string {
  const key = input.replace(/^https?:\/\//, "").replace(/\/+$/, "");
  if (key === "" || /\s/.test(key)) throw new UsageError(input, "invalid registry");
  if (key === "index.docker.io" || key === "registry-1.docker.io") return "docker.io";
  return key;
}

/**
 * How to reach `host`: whether it is insecure (registries.conf `insecure` or
 * `--tls-verify=false`), and its TLS files (`--cert-dir`, else certs.d).
 */
export async function registrySettings(
  ctx: CommandContext,
  host: string,
  args: ParsedArgs,
): Promise<{ insecure: boolean; tls?: RegistryTlsSource }> {
  const tls = userCertsTls(hostFileSystem(), homeDirOf(ctx.io.env), stringFlag(args, "cert-dir"));
  if (args.values["tls-verify"] !== undefined) {
    return { insecure: !boolFlag(args, "tls-verify"), tls };
  }
  const conf = await registriesConfOf(ctx);
  return { insecure: findRegistry(conf, host)?.insecure ?? false, tls };
}

/** The registries.conf the global flags and the environment name. */
function registriesConfOf(ctx: CommandContext): Promise<RegistriesConf> {
  const env = ctx.io.env;
  return loadRegistriesConf({
    fs: hostFileSystem(),
    env,
    homeDir: homeDirOf(env),
    uid: currentUid(),
    path: ctx.registriesConf,
    dropInDir: ctx.registriesConfDir,
  });
}
