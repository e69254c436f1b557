// What the manifest list artifact and conversion tests share: a registry seeded with
// random images, a runtime over a fresh store that trusts it, and skopeo's raw view.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { Runtime } from "../../src/runtime/mod.ts";
import type { Platform } from "../../src/types/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import type { RandomImage } from "../helpers/random_image.ts";
import type { RegistryServer } from "../helpers/registry_server.ts";

/** The sha256 digest of `bytes`. */
export function sha256(bytes: Uint8Array | string): string {
  return "sha256:" + createHash("sha256").update(bytes).digest("hex");
}

/** The raw manifest skopeo reads at `docker://ref` (TLS checks off). */
export function skopeoRaw(ref: string): string {
  return execFileSync("/usr/bin/skopeo", [
    "inspect",
    "--raw",
    "--tls-verify=false",
    `docker://${ref}`,
  ], { encoding: "utf8" });
}

/**
 * Writes `dir/registries.conf` marking `registry` insecure, and pushes each image to
 * `registry` under its tag.
 */
export async function seedRegistry(
  registry: RegistryServer,
  dir: string,
  images: Record<string, RandomImage>,
): Promise<void> {
  await writeFile(
    join(dir, "registries.conf"),
    `[[registry]]\nlocation = "${registry.registry}"\ninsecure = true\n`,
  );
  const memory = memoryTransport();
  for (const [tag, image] of Object.entries(images)) {
    memory.store.add(tag, image);
    await copyBetween(memory.parse(tag), `docker://${registry.registry}/${tag}`, {
      context: { fs: new NodeFileSystem(), tlsVerify: false },
    });
  }
}

/** A runtime over the store `dir/store` with `dir/registries.conf`, on `platform`. */
export async function openTestRuntime(
  dir: string,
  platform: Platform = { os: "linux", architecture: "amd64" },
): Promise<Runtime> {
  return await Runtime.open({
    root: join(dir, "store"),
    registriesConf: join(dir, "registries.conf"),
    registriesConfDir: "",
    env: {},
    homeDir: dir,
    uid: 1000,
    hostPlatform: platform,
    warn: () => {},
  });
}
