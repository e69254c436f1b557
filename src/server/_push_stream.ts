/**
 * `POST /images/{name}/push`: a push reported as dockerd reports it (`The push refers to
 * repository [...]`, `Preparing`, `Pushing`, `Pushed`, `TAG: digest: ... size: ...` and an
 * `aux` message with the digest). Without a tag every local tag of the repository is
 * pushed (`docker push --all-tags`).
 *
 * @module
 */
import { ImageNotFoundError } from "../errors.ts";
import { parseNormalizedName } from "../reference/mod.ts";
import type { Runtime } from "../runtime/mod.ts";
import { familiar } from "./_docker_names.ts";
import { dockerProgress, PUSH_VERBS } from "./_docker_progress.ts";
import { loopbackTls } from "./_loopback.ts";
import { authOptions, type RegistryAuth } from "./_pull_stream.ts";
import { runtimeParts } from "../runtime/mod.ts";

async function localTags(runtime: Runtime, repository: string): Promise<string[]> {
  const tags = new Set<string>();
  for (const record of await runtimeParts(runtime).store.images()) {
    for (const name of record.names) {
      const ref = parseNormalizedName(name);
      if (ref.name === repository && ref.tag !== undefined) tags.add(ref.tag);
    }
  }
  return [...tags].sort();
}

async function manifestSize(runtime: Runtime, digest: string): Promise<number | undefined> {
  try {
    return (await runtimeParts(runtime).store.readBlobBytes(digest)).byteLength;
  } catch {
    return undefined;
  }
}

/** What a push request names: a repository and the tags of it to push. */
export interface PushTargets {
  /** The full repository name (`localhost:5000/app`). */
  repository: string;
  /** The tags to push, each a local image. */
  tags: string[];
}

/**
 * The local images `POST /images/{name}/push?tag=...` means: `name` (a repository,
 * Docker-normalized, maybe with a tag) with `tag`, or every local tag of the repository
 * when there is none.
 *
 * @throws {ImageNotFoundError} when no local image has that name.
 */
export async function pushTargets(
  runtime: Runtime,
  name: string,
  tag: string,
): Promise<PushTargets> {
  const ref = parseNormalizedName(name);
  const repository = ref.name;
  const wanted = tag !== "" ? tag : ref.tag;
  const tags = wanted === undefined ? await localTags(runtime, repository) : [wanted];
  for (const each of tags) {
    if (!(await runtime.exists(`${repository}:${each}`))) {
      throw new ImageNotFoundError(familiar(`${repository}:${each}`));
    }
  }
  if (tags.length === 0) throw new ImageNotFoundError(familiar(repository));
  return { repository, tags };
}

/** Pushes `targets` to their registry, sending Docker progress messages through `send`. */
export async function pushWithProgress(
  runtime: Runtime,
  targets: PushTargets,
  auth: RegistryAuth,
  send: (message: unknown) => void,
  signal?: AbortSignal,
): Promise<void> {
  const { repository, tags } = targets;
  send({ status: `The push refers to repository [${familiar(repository)}]` });
  for (const each of tags) {
    const reference = `${repository}:${each}`;
    const digest = await runtime.push(reference, `docker://${reference}`, {
      ...authOptions(auth),
      ...loopbackTls(reference),
      onProgress: dockerProgress(send, PUSH_VERBS),
      ...(signal ? { signal } : {}),
    });
    const size = await manifestSize(runtime, digest);
    send({ status: `${each}: digest: ${digest}${size === undefined ? "" : ` size: ${size}`}` });
    send({
      progress: "",
      aux: { Tag: each, Digest: digest, ...(size === undefined ? {} : { Size: size }) },
    });
  }
}
