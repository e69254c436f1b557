/**
 * `POST /images/create?fromImage=...`: a pull reported as the JSON progress messages the
 * Docker client renders (`Pulling fs layer`, `Downloading`, `Pull complete`, `Digest:`,
 * `Status:`). A registry on a loopback address may answer in plain HTTP, as dockerd allows.
 *
 * @module
 */
import { parseNormalizedName } from "../reference/mod.ts";
import type { PullOptions, Runtime } from "../runtime/mod.ts";
import { familiar } from "./_docker_names.ts";
import { dockerProgress, PULL_VERBS } from "./_docker_progress.ts";
import { loopbackTls } from "./_loopback.ts";
import { runtimeParts } from "../runtime/mod.ts";

/** Credentials as the Docker client sends them in `X-Registry-Auth` (base64url JSON). */
export interface RegistryAuth {
  /** The user name. */
  username?: string;
  /** The password. */
  password?: string;
  /** An identity token instead of a password. */
  identitytoken?: string;
}

/** Decodes `X-Registry-Auth`; anything malformed or empty counts as no credentials. */
export function decodeRegistryAuth(header: string | undefined | null): RegistryAuth {
  if (!header || header.length > 64 * 1024) return {};
  try {
    const base64 = header.replaceAll("-", "+").replaceAll("_", "/");
    const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
    const text = new TextDecoder().decode(Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)));
    const value = JSON.parse(text) as Record<string, unknown>;
    const out: RegistryAuth = {};
    if (typeof value.username === "string" && value.username !== "") {
      out.username = value.username;
    }
    if (typeof value.password === "string") out.password = value.password;
    if (typeof value.identitytoken === "string" && value.identitytoken !== "") {
      out.identitytoken = value.identitytoken;
    }
    return out;
  } catch {
    return {};
  }
}

/** The pull options carrying `auth`. */
export function authOptions(
  auth: RegistryAuth,
): Pick<PullOptions, "username" | "password" | "identityToken"> {
  if (auth.identitytoken) return { identityToken: auth.identitytoken };
  if (auth.username) return { username: auth.username, password: auth.password ?? "" };
  return {};
}

/** Pulls `reference` (fully qualified), sending Docker progress messages through `send`. */
export async function pullWithProgress(
  runtime: Runtime,
  reference: string,
  options: PullOptions,
  send: (message: unknown) => void,
): Promise<void> {
  const ref = parseNormalizedName(reference);
  send({
    status: `Pulling from ${ref.familiarName().replace(/^[^/]*[.:][^/]*\//, "")}`,
    id: ref.tag ?? ref.digest,
  });
  const before = await runtimeParts(runtime).store.imageByName(reference);
  const onProgress = dockerProgress(send, PULL_VERBS);
  const records = await runtime.pull(reference, {
    ...options,
    ...loopbackTls(reference),
    policy: "always",
    onProgress,
  });
  const image = records[0];
  const digest = image?.manifestDigest;
  if (digest) send({ status: `Digest: ${digest}` });
  const fresh = before === undefined || image === undefined || before.id !== image.id;
  send({
    status: fresh
      ? `Status: Downloaded newer image for ${familiar(reference)}`
      : `Status: Image is up to date for ${familiar(reference)}`,
  });
}
