/**
 * `stevedore login`: checks credentials against a registry and stores them like
 * `podman login`.
 *
 * @module
 */
import { getCredentials, setCredentials } from "../config/mod.ts";
import { ConfigError, RegistryError, UnauthorizedError } from "../errors.ts";
import { UsageError } from "./_errors.ts";
import { hostFileSystem } from "../fs/mod.ts";
import { RegistryClient } from "../registry/mod.ts";
import { boolFlag, expectArgs, stringFlag } from "./_args.ts";
import type { Command } from "./_command.ts";
import { readAll, readLine } from "./_stdin.ts";
import { authContext, registryKey, registrySettings } from "./_auth.ts";
import { certDirFlag } from "./_transfer.ts";

/** The `login` command. */
export const command: Command = {
  name: "login",
  usage: "stevedore login [options] REGISTRY",
  description: "Log in to a container registry and store the credentials.",
  flags: {
    authfile: { type: "string", help: "Path of the authentication file", valueName: "path" },
    username: {
      type: "string",
      short: "u",
      help: "Username for the registry",
      valueName: "username",
    },
    password: {
      type: "string",
      short: "p",
      help: "Password for the registry",
      valueName: "password",
    },
    "password-stdin": { type: "boolean", help: "Take the password from stdin" },
    "get-login": { type: "boolean", help: "Return the current login user for the registry" },
    "tls-verify": { type: "boolean", help: "Require HTTPS and verify certificates (default true)" },
    "cert-dir": certDirFlag,
  },
  async run(ctx, args) {
    expectArgs("login", args.positionals, 1, 1);
    const key = registryKey(args.positionals[0]);
    const auth = await authContext(ctx, stringFlag(args, "authfile"));
    if (boolFlag(args, "get-login")) {
      const found = await getCredentials(auth.credentials, key.split("/")[0]);
      if (!found || !("username" in found)) {
        throw new ConfigError(auth.path, `not logged into ${key}`);
      }
      await ctx.out(found.username + "\n");
      return;
    }
    let username = stringFlag(args, "username");
    let password = stringFlag(args, "password");
    if (boolFlag(args, "password-stdin")) {
      if (password !== undefined) {
        throw new UsageError("--password-stdin", "cannot be used with --password");
      }
      if (username === undefined) throw new UsageError("--password-stdin", "requires --username");
      password = (await readAll(ctx.io.stdin)).replace(/\r?\n$/, "");
    }
    if (username === undefined) {
      if (!ctx.io.isTTY.stdin) throw new UsageError("login", "username is required (--username)");
      await ctx.err("Username: ");
      username = await readLine(ctx.io.stdin);
    }
    if (password === undefined) {
      if (!ctx.io.isTTY.stdin) throw new UsageError("login", "password is required (--password)");
      await ctx.err("Password: ");
      password = await readLine(ctx.io.stdin);
    }
    if (username === "" || password === "") {
      throw new UsageError("login", "username and password must not be empty");
    }
    const host = key.split("/")[0];
    const settings = await registrySettings(ctx, host, args);
    const client = new RegistryClient({
      registry: host,
      credentials: { username, password },
      insecure: settings.insecure,
      tls: settings.tls,
      retry: { maxRetries: 0 },
    });
    try {
      await client.catalog({ limit: 1 });
    } catch (error) {
      if (error instanceof UnauthorizedError) {
        throw new UnauthorizedError(host, "invalid username/password", { cause: error });
      }
      if (error instanceof RegistryError && error.status === 0) throw error;
      if (error instanceof TypeError) throw error;
      // Other answers (catalog denied or unsupported) still accepted the credentials.
    }
    await setCredentials(
      { fs: hostFileSystem(), runCredentialHelper: auth.credentials.runCredentialHelper },
      auth.path,
      key,
      { username, password },
    );
    await ctx.out("Login Succeeded!\n");
  },
};
