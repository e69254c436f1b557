/**
 * The trust tests' world: a real registry, a throwaway GnuPG home with two keys (the
 * trusted "alice" and the stranger "mallory"), a file:// lookaside named by a registries.d
 * YAML file, and skopeo to sign and verify as the real peer.
 *
 * @module
 */
import { execFile } from "node:child_process";
import { generateKeyPairSync, sign } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  openRuntime,
  type Runtime,
  type RuntimeOptions,
  type RuntimeSeams,
} from "../../src/runtime/mod.ts";
import { RegistryClient } from "../../src/registry/mod.ts";
import {
  SIGSTORE_PAYLOAD_TYPE,
  SIGSTORE_SIGNATURE_ANNOTATION,
  writeSigstoreAttachments,
} from "../../src/signature/mod.ts";
import { type RandomImage, randomImage } from "../helpers/random_image.ts";
import { type CliResult, runCli } from "../cli/_cli.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";

/** Runs a program; resolves with stdout, rejects with stderr in the message. */
export function run(
  program: string,
  args: string[],
  options: { env?: Record<string, string>; input?: Uint8Array } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      program,
      args,
      { env: { ...process.env, ...options.env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${program} ${args.join(" ")} failed: ${stderr}`));
        else resolve(stdout);
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

/** A GnuPG key of the throwaway home. */
export interface TestKey {
  /** The primary key fingerprint. */
  fingerprint: string;
  /** The exported public key (binary), as a file. */
  publicKeyPath: string;
}

/** The world. */
export interface TrustEnv {
  /** The temporary directory holding everything. */
  dir: string;
  /** The registry. */
  registry: RegistryServer;
  /** The GnuPG home. */
  gnupgHome: string;
  /** The trusted key. */
  alice: TestKey;
  /** Another key, not trusted. */
  mallory: TestKey;
  /** The registries.d directory. */
  registriesD: string;
  /** The file:// lookaside directory. */
  lookaside: string;
  /** Writes a policy file and returns its path. */
  policy(policy: unknown): Promise<string>;
  /**
   * A policy that rejects everything but the test registry, which needs a simple signature
   * by the key in `keyPath` (with `signedIdentity`, when given).
   */
  signedByPolicy(keyPath: string, signedIdentity?: unknown): Record<string, unknown>;
  /** Runs `skopeo copy --quiet --src-tls-verify=false --registries.d D ...args`. */
  skopeoCopy(...args: string[]): Promise<string>;
  /** Pushes a new random image as `repo:tag`; returns it. */
  push(repo: string, tag: string): Promise<RandomImage>;
  /** Copies the manifest of `repo:from` to `repo:to` (same digest). */
  retag(repo: string, from: string, to: string): Promise<void>;
  /** Signs `repo:tag` in place with skopeo (`skopeo copy --sign-by`). */
  skopeoSign(repo: string, tag: string, key: TestKey): Promise<void>;
  /** The lookaside files of `repo` (relative paths), sorted. */
  lookasideFiles(repo: string): Promise<string[]>;
  /** A runtime over a fresh store with `options`. */
  open(options?: RuntimeOptions & RuntimeSeams): Promise<Runtime>;
  /** A registry client. */
  client: RegistryClient;
  /** Stops the registry and removes the directory. */
  stop(): Promise<void>;
}

async function generateKey(
  home: string,
  dir: string,
  name: string,
  algo: string,
): Promise<TestKey> {
  const env = { GNUPGHOME: home };
  await run("gpg", [
    "--batch",
    "--passphrase",
    "",
    "--quick-gen-key",
    `${name} <${name}@example.com>`,
    algo,
    "sign",
    "never",
  ], { env });
  const listing = await run("gpg", [
    "--batch",
    "--with-colons",
    "--list-keys",
    `${name}@example.com`,
  ], { env });
  const fingerprint = listing.split("\n").find((l) => l.startsWith("fpr:"))!.split(":")[9];
  const publicKeyPath = join(dir, `${name}.gpg`);
  await run("gpg", ["--batch", "--output", publicKeyPath, "--export", fingerprint], { env });
  return { fingerprint, publicKeyPath };
}

/** Starts the world. */
export async function startTrustEnv(): Promise<TrustEnv> {
  const dir = await mkdtemp(join(tmpdir(), "stevedore-trust-"));
  const registry = await startRegistry();
  const gnupgHome = join(dir, "gnupg");
  await mkdir(gnupgHome, { mode: 0o700 });
  const alice = await generateKey(gnupgHome, dir, "alice", "rsa3072");
  const mallory = await generateKey(gnupgHome, dir, "mallory", "ed25519");
  const registriesD = join(dir, "registries.d");
  const lookaside = join(dir, "lookaside");
  await mkdir(registriesD);
  await mkdir(lookaside);
  await writeFile(
    join(registriesD, "test.yaml"),
    `docker:\n  ${registry.registry}:\n    lookaside: file://${lookaside}\n` +
      `    use-sigstore-attachments: true\n`,
  );
  const client = new RegistryClient({ registry: registry.registry, tlsVerify: false });
  let policies = 0;
  let stores = 0;
  const env: TrustEnv = {
    dir,
    registry,
    gnupgHome,
    alice,
    mallory,
    registriesD,
    lookaside,
    client,
    async policy(policy) {
      const path = join(dir, `policy-${policies++}.json`);
      await writeFile(path, typeof policy === "string" ? policy : JSON.stringify(policy));
      return path;
    },
    signedByPolicy(keyPath, signedIdentity) {
      return {
        default: [{ type: "reject" }],
        transports: {
          docker: {
            [registry.registry]: [{
              type: "signedBy",
              keyType: "GPGKeys",
              keyPath,
              ...(signedIdentity === undefined ? {} : { signedIdentity }),
            }],
          },
        },
      };
    },
    skopeoCopy(...args) {
      return run("skopeo", [
        "copy",
        "--quiet",
        "--src-tls-verify=false",
        "--registries.d",
        registriesD,
        ...args,
      ]);
    },
    async push(repo, tag) {
      const image = randomImage({ layers: 1, layerSize: 512 });
      for (const [digest, bytes] of image.blobs) {
        await client.putBlob(repo, digest, bytes.length, bytes);
      }
      await client.putManifest(repo, tag, image.manifest.bytes, image.manifest.mediaType);
      return image;
    },
    async retag(repo, from, to) {
      const manifest = await client.getManifest(repo, from);
      await client.putManifest(repo, to, manifest.bytes, manifest.mediaType);
    },
    async skopeoSign(repo, tag, key) {
      const ref = `docker://${registry.registry}/${repo}:${tag}`;
      await run("skopeo", [
        "copy",
        "--quiet",
        "--src-tls-verify=false",
        "--dest-tls-verify=false",
        "--registries.d",
        registriesD,
        "--sign-by",
        key.fingerprint,
        ref,
        ref,
      ], { env: { GNUPGHOME: gnupgHome } });
    },
    async lookasideFiles(repo) {
      const files: string[] = [];
      const root = join(lookaside, repo);
      const walk = async (path: string, prefix: string) => {
        for (const entry of await readdir(path, { withFileTypes: true }).catch(() => [])) {
          if (entry.isDirectory()) await walk(join(path, entry.name), `${prefix}${entry.name}/`);
          else files.push(`${prefix}${entry.name}`);
        }
      };
      await walk(join(root, ".."), "");
      return files.filter((f) => f.startsWith(repo.split("/").pop()!)).sort();
    },
    async open(options = {}) {
      const root = join(dir, `store-${stores++}`);
      return await openRuntime({
        root,
        homeDir: join(dir, "home"),
        uid: 1000,
        env: {},
        registriesDirPath: registriesD,
        warn: () => {},
        ...options,
      });
    },
    async stop() {
      await registry.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return env;
}

/** Runs the CLI over the world's CLI store, with its home directory. */
export function trustCli(env: TrustEnv, args: string[]): CliResult {
  return runCli(["--root", join(env.dir, "cli-root"), ...args], { HOME: join(env.dir, "home") });
}

/** Reads a file as bytes. */
export function readBytes(path: string): Promise<Uint8Array> {
  return readFile(path).then((b) => new Uint8Array(b));
}

/** A new P-256 sigstore key of the test world. */
export interface SigstoreKey {
  /** The PEM public key file. */
  keyPath: string;
  /** The public key's DER SubjectPublicKeyInfo. */
  publicKeyDer: Uint8Array;
  /** Attaches a cosign signature of `repo@digest` claiming `identity` (node:crypto signs). */
  attach(repo: string, digest: string, identity: string): Promise<void>;
}

/** Makes a sigstore key pair with node:crypto; its public key is written as `<name>.pub`. */
export async function sigstoreKey(env: TrustEnv, name: string): Promise<SigstoreKey> {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const keyPath = join(env.dir, `${name}.pub`);
  await writeFile(keyPath, publicKey.export({ type: "spki", format: "pem" }) as string);
  return {
    keyPath,
    publicKeyDer: new Uint8Array(publicKey.export({ type: "spki", format: "der" })),
    async attach(repo, digest, identity) {
      const payload = new TextEncoder().encode(JSON.stringify({
        critical: {
          identity: { "docker-reference": identity },
          image: { "docker-manifest-digest": digest },
          type: "cosign container image signature",
        },
        optional: null,
      }));
      const signature = sign("sha256", payload, { key: privateKey, dsaEncoding: "der" });
      await writeSigstoreAttachments(env.client, repo, digest, [{
        mediaType: SIGSTORE_PAYLOAD_TYPE,
        payload,
        annotations: { [SIGSTORE_SIGNATURE_ANNOTATION]: signature.toString("base64") },
      }]);
    },
  };
}

/**
 * Pushes a new random image as `repo:tag` and attaches a cosign signature of it by a new
 * key, claiming `registry/repo:tag`; returns the image and the key.
 */
export async function pushSigstoreSigned(
  env: TrustEnv,
  repo: string,
  tag: string,
): Promise<{ image: RandomImage } & SigstoreKey> {
  const image = await env.push(repo, tag);
  const key = await sigstoreKey(env, `${repo.replaceAll("/", "-")}-${tag}`);
  await key.attach(repo, image.manifest.digest, `${env.registry.registry}/${repo}:${tag}`);
  return { image, ...key };
}
