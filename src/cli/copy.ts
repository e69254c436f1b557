/**
 * `stevedore copy`: copies an image between two `transport:details` locations like
 * `skopeo copy`, with its flag names, progress on standard error, and the signature
 * policy applied to the source. skopeo flags the library cannot honour are refused.
 *
 * @module
 */
import { UsageError } from "./_errors.ts";
import type { CopyEndpointOptions, ImageCopyOptions } from "../runtime/mod.ts";
import type { FlagSpec, FlagSpecs, ParsedArgs } from "./_args.ts";
import { boolFlag, durationFlag, expectArgs, intFlag, listFlag, stringFlag } from "./_args.ts";
import type { Command } from "./_command.ts";
import type { PlatformChoice } from "../platform/mod.ts";
import { ProgressPrinter } from "./_progress.ts";
import { compressionLevelFlag, timeoutFlags, timeoutOptions } from "./_transfer.ts";
import { policyFlags, policyOptions, signingFlags, signingOptions } from "./_trust_flags.ts";

const MANIFEST_TYPES: Record<string, string> = {
  oci: "application/vnd.oci.image.manifest.v1+json",
  v2s2: "application/vnd.docker.distribution.manifest.v2+json",
};

/** The flags of one side (`src` or `dest`) of the copy. */
function sideFlags(side: "src" | "dest", what: string): FlagSpecs {
  return {
    [`${side}-tls-verify`]: {
      type: "boolean",
      help: `Require HTTPS and verify certificates when talking to the ${what} registry`,
    },
    [`${side}-creds`]: {
      type: "string",
      help: `Use USERNAME[:PASSWORD] for accessing the ${what} registry`,
      valueName: "credentials",
    },
    [`${side}-username`]: {
      type: "string",
      help: `Username for accessing the ${what} registry`,
      valueName: "name",
    },
    [`${side}-password`]: {
      type: "string",
      help: `Password for accessing the ${what} registry`,
      valueName: "password",
    },
    [`${side}-authfile`]: {
      type: "string",
      help: `Path of the authentication file for the ${what} registry (default --authfile)`,
      valueName: "path",
    },
    [`${side}-no-creds`]: { type: "boolean", help: `Access the ${what} registry anonymously` },
    [`${side}-cert-dir`]: {
      type: "string",
      help: `Use certificates at the path (*.crt, *.cert, *.key) for the ${what} registry`,
      valueName: "path",
    },
  };
}

/** skopeo's flags that stevedore cannot honour, and why: refused, never ignored. */
const UNSUPPORTED: Record<string, [FlagSpec["type"], string]> = {
  "decryption-key": ["string", "image encryption is not supported"],
  "encryption-key": ["string", "image encryption is not supported"],
  "encrypt-layer": ["string", "image encryption is not supported"],
  "src-daemon-host": ["string", "use DOCKER_HOST to choose the Docker daemon"],
  "dest-daemon-host": ["string", "use DOCKER_HOST to choose the Docker daemon"],
  "src-registry-token": ["string", "bearer tokens are not accepted as credentials"],
  "dest-registry-token": ["string", "bearer tokens are not accepted as credentials"],
  "src-shared-blob-dir": ["string", "shared OCI blob directories are not supported"],
  "dest-shared-blob-dir": ["string", "shared OCI blob directories are not supported"],
  "dest-precompute-digests": ["boolean", "digests are not precomputed"],
};

const unsupportedFlags: FlagSpecs = Object.fromEntries(
  Object.entries(UNSUPPORTED).map(([name, [type]]) => [
    name,
    type === "string"
      ? { type, multiple: true, help: "Not supported (refused)", valueName: "value" }
      : { type, help: "Not supported (refused)" },
  ]),
);

/** Refuses any skopeo flag stevedore cannot honour. */
function refuseUnsupported(args: ParsedArgs): void {
  for (const [name, [, why]] of Object.entries(UNSUPPORTED)) {
    if (args.values[name] !== undefined) {
      throw new UsageError(`--${name}`, `not supported by stevedore: ${why}`);
    }
  }
}

/** The registry options of one side, from its flags (and `--authfile`). */
function sideOptions(args: ParsedArgs, side: "src" | "dest"): CopyEndpointOptions {
  const options: CopyEndpointOptions = {};
  const creds = stringFlag(args, `${side}-creds`);
  if (creds !== undefined) {
    if (creds === "" || creds.startsWith(":")) {
      throw new UsageError(`--${side}-creds`, "username must not be empty");
    }
    options.credentials = creds;
  }
  const username = stringFlag(args, `${side}-username`);
  const password = stringFlag(args, `${side}-password`);
  if (username !== undefined || password !== undefined) {
    if (creds !== undefined) {
      throw new UsageError(`--${side}-creds`, `cannot be used with --${side}-username`);
    }
    if (username === undefined || password === undefined) {
      throw new UsageError(`--${side}-username`, `goes with --${side}-password`);
    }
    options.username = username;
    options.password = password;
  }
  if (boolFlag(args, `${side}-no-creds`)) {
    if (creds !== undefined || username !== undefined) {
      throw new UsageError(`--${side}-no-creds`, `cannot be used with --${side}-creds`);
    }
    options.anonymous = true;
  }
  const certDir = stringFlag(args, `${side}-cert-dir`);
  if (certDir !== undefined) options.certDir = certDir;
  const authFile = stringFlag(args, `${side}-authfile`) ?? stringFlag(args, "authfile");
  if (authFile !== undefined) options.authFile = authFile;
  if (args.values[`${side}-tls-verify`] !== undefined) {
    options.tlsVerify = boolFlag(args, `${side}-tls-verify`);
  }
  return options;
}

/** The copy options the flags ask for (signers are added by the caller). */
function copyOptions(args: ParsedArgs): ImageCopyOptions {
  refuseUnsupported(args);
  const options: ImageCopyOptions = {
    ...timeoutOptions(args),
    source: sideOptions(args, "src"),
    destination: sideOptions(args, "dest"),
    all: boolFlag(args, "all"),
    preserveDigests: boolFlag(args, "preserve-digests"),
    insecurePolicy: boolFlag(args, "insecure-policy"),
  };
  const multiArch = stringFlag(args, "multi-arch");
  if (multiArch !== undefined) {
    if (multiArch === "index-only") {
      throw new UsageError("--multi-arch=index-only", "not supported by stevedore");
    }
    if (multiArch !== "system" && multiArch !== "all") {
      throw new UsageError(`--multi-arch=${multiArch}`, "must be system, all or index-only");
    }
    if (multiArch === "all") options.all = true;
  }
  const format = stringFlag(args, "format");
  if (format !== undefined) {
    if (format === "v2s1") {
      throw new UsageError("--format=v2s1", "writing Docker schema 1 manifests is not supported");
    }
    if (!(format in MANIFEST_TYPES)) {
      throw new UsageError(`--format=${format}`, "must be oci or v2s2");
    }
    options.manifestType = MANIFEST_TYPES[format];
  }
  const compression = stringFlag(args, "dest-compress-format");
  if (compression !== undefined) {
    if (compression === "zstd") {
      throw new UsageError(
        "--dest-compress-format=zstd",
        "stevedore reads zstd layers but does not write them; use gzip",
      );
    }
    if (compression !== "gzip") {
      throw new UsageError(`--dest-compress-format=${compression}`, "must be gzip");
    }
    options.compressionFormat = "gzip";
  }
  const level = compressionLevelFlag(args, "dest-compress-level");
  if (level !== undefined) options.compressionLevel = level;
  const parallel = intFlag(args, "image-parallel-copies");
  if (parallel !== undefined && parallel > 0) options.concurrency = parallel;
  const compress = boolFlag(args, "dest-compress");
  const decompress = boolFlag(args, "dest-decompress");
  if (compress && decompress) {
    throw new UsageError("--dest-compress", "cannot be used with --dest-decompress");
  }
  if (compress || decompress) options.dirLayers = compress ? "compress" : "decompress";
  if (boolFlag(args, "dest-oci-accept-uncompressed-layers")) {
    options.ociAcceptUncompressedLayers = true;
  }
  const tags = listFlag(args, "additional-tag");
  if (tags.length > 0) options.additionalTags = tags;
  const retries = intFlag(args, "retry-times");
  if (retries !== undefined) options.retries = retries;
  const delay = durationFlag(args, "retry-delay");
  if (delay !== undefined) options.retryDelayMs = delay;
  return options;
}

/** The platform `--override-os`, `--override-arch` and `--override-variant` choose. */
function platformOption(args: ParsedArgs): { platform?: PlatformChoice } {
  const choice: PlatformChoice = {};
  const os = stringFlag(args, "override-os");
  if (os !== undefined) choice.os = os;
  const architecture = stringFlag(args, "override-arch");
  if (architecture !== undefined) choice.architecture = architecture;
  const variant = stringFlag(args, "override-variant");
  if (variant !== undefined) choice.variant = variant;
  return Object.keys(choice).length === 0 ? {} : { platform: choice };
}

/** The config digest of an image manifest, for the progress lines. */
function configDigest(bytes: Uint8Array): string | undefined {
  const parsed = JSON.parse(new TextDecoder().decode(bytes)) as { config?: { digest?: unknown } };
  const digest = parsed.config?.digest;
  return typeof digest === "string" ? digest : undefined;
}

/** The `copy` command. */
export const command: Command = {
  name: "copy",
  usage: "stevedore copy [options] SOURCE-IMAGE DESTINATION-IMAGE",
  description: "Copy an image (manifest, layers, signatures) from one location to another. " +
    'Both are "transport:details": docker://, oci:, oci-archive:, docker-archive:, dir:, ' +
    "docker-daemon:, containers-storage: (the store of --root).",
  flags: {
    ...sideFlags("src", "source"),
    ...sideFlags("dest", "destination"),
    authfile: { type: "string", help: "Path of the authentication file", valueName: "path" },
    "retry-times": {
      type: "string",
      help: "Number of times to retry in case of failure",
      valueName: "uint",
    },
    "retry-delay": {
      type: "string",
      help: "Delay between retries in case of failure (e.g. 2s)",
      valueName: "duration",
    },
    ...timeoutFlags,
    ...policyFlags,
    policy: { type: "string", help: "Path to a trust policy file", valueName: "path" },
    "insecure-policy": { type: "boolean", help: "Copy without any signature policy check" },
    ...signingFlags,
    all: { type: "boolean", short: "a", help: "Copy all images if SOURCE-IMAGE is a list" },
    "multi-arch": {
      type: "string",
      help: "How to copy a multi-architecture image (system or all)",
      valueName: "option",
    },
    format: {
      type: "string",
      short: "f",
      help: "Manifest type (oci or v2s2) to write (default: the source's, with fallbacks)",
      valueName: "type",
    },
    "dest-compress-format": {
      type: "string",
      help: "Compression format for the layers written (gzip)",
      valueName: "format",
    },
    "dest-compress-level": {
      type: "string",
      help: "gzip level (0-9) of the layers the copy compresses",
      valueName: "level",
    },
    "image-parallel-copies": {
      type: "string",
      help: "How many layers are copied at the same time (0: the default, 6)",
      valueName: "uint",
    },
    "dest-compress": {
      type: "boolean",
      help: "Compress the layers written to a dir: destination",
    },
    "dest-decompress": {
      type: "boolean",
      help: "Decompress the layers written to a dir: destination",
    },
    "dest-oci-accept-uncompressed-layers": {
      type: "boolean",
      help: "Keep uncompressed layers as they are in an oci: or oci-archive: destination",
    },
    "additional-tag": {
      type: "string",
      multiple: true,
      help: "A further tag of the image in a docker-archive destination (repeatable)",
      valueName: "name:tag",
    },
    "preserve-digests": {
      type: "boolean",
      help: "Fail if the manifest digest cannot be preserved",
    },
    digestfile: {
      type: "string",
      help: "Write the digest of the manifest written to this file",
      valueName: "path",
    },
    quiet: { type: "boolean", short: "q", help: "Suppress output information when copying" },
    "override-os": {
      type: "string",
      help: "Use OS instead of the host's when choosing an image of a list",
      valueName: "os",
    },
    "override-arch": {
      type: "string",
      help: "Use ARCH instead of the host's when choosing an image of a list",
      valueName: "arch",
    },
    "override-variant": {
      type: "string",
      help: "Use VARIANT instead of the host's when choosing an image of a list",
      valueName: "variant",
    },
    ...unsupportedFlags,
  },
  async run(ctx, args) {
    expectArgs("copy", args.positionals, 2, 2);
    const options = copyOptions(args);
    Object.assign(options, await signingOptions(args, ctx.io.env));
    const quiet = boolFlag(args, "quiet");
    const progress = new ProgressPrinter({
      write: (text) => void ctx.err(text),
      tty: !quiet && ctx.io.isTTY.stderr,
      quiet,
    });
    options.onProgress = progress.onProgress;
    const policy = stringFlag(args, "policy");
    const runtime = await ctx.openRuntime({
      ...policyOptions(args),
      ...(policy === undefined ? {} : { signaturePolicyPath: policy }),
      ...platformOption(args),
    });
    const [source, destination] = args.positionals;
    const result = await runtime.copy(source, destination, options);
    progress.finish(configDigest(result.manifest.bytes));
    const digestFile = stringFlag(args, "digestfile");
    if (digestFile !== undefined) {
      const { hostFileSystem } = await import("../fs/mod.ts");
      await hostFileSystem().writeFile(digestFile, result.manifestDigest);
    }
  },
};
