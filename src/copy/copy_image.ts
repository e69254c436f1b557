/**
 * The copy engine's entry point: {@linkcode copyImage} reads an image (or a manifest list)
 * from one transport and writes it into another.
 *
 * @module
 */
import {
  InvalidManifestError,
  ManifestConversionError,
  ManifestUnknownError,
  UnsupportedTransportError,
} from "../errors.ts";
import { convertIndex, MAX_CONFIG_SIZE, parseManifest, serializeIndex } from "../manifest/mod.ts";
import { chooseInstance, defaultPlatform, formatPlatform } from "../platform/mod.ts";
import { standardTransports, type TransportTable } from "../transports/transport_table.ts";
import type {
  ImageDestination,
  ImageReference,
  ImageSource,
  ManifestBytes,
  TransportContext,
} from "../transports/types.ts";
import { processEnv } from "../fs/process.ts";
import {
  type Descriptor,
  type ImageIndex,
  type IndexMediaType,
  isImageManifestType,
  MediaType,
} from "../types/mod.ts";
import { BlobCopier } from "./_blob_copier.ts";
import { checkedSource } from "./_checked_source.ts";
import { copyInstance, type InstanceCopy, type InstanceCopyOptions } from "./_image_copier.ts";
import { chooseManifestType } from "./_manifest_plan.ts";
import { digestBytes, verifyDigest } from "../digest/mod.ts";
import { anySignal } from "./_tasks.ts";
import type { CopiedInstance, CopyOptions, CopyResult, CopySeams } from "./copy_options.ts";

const DEFAULT_CONCURRENCY = 6;
const DEFAULT_RETRIES = 3;
const DEFAULT_RETRY_DELAY_MS = 1000;

/**
 * Copies the image at `src` to `dest`, both given as `transport:location` strings
 * (`docker://alpine:3`, `oci:/tmp/layout:tag`, `docker-archive:/tmp/a.tar`, ...): blobs
 * the destination already has are skipped, every blob is verified against its digest on
 * the way, layers are (de)compressed as the destination or `options.compressionFormat`
 * want, and the manifest is rewritten (or converted between OCI and Docker schema 2) only
 * when something changed; otherwise its bytes are copied as they are. Nothing is
 * committed at the destination unless the whole copy succeeds. It uses the host file
 * system, `globalThis.fetch` and the process environment, and verifies TLS unless
 * `tlsVerify` is false; {@linkcode copyBetween} takes references and parts of your own.
 *
 * @example
 * ```ts ignore
 * import { copyImage } from "./copy_image.ts";
 * const result = await copyImage("docker://alpine:3", "oci:/tmp/alpine:3");
 * console.log(result.manifestDigest);
 * ```
 *
 * @throws {DigestMismatchError} when a blob or manifest does not match its digest.
 * @throws {ManifestUnknownError} when no instance of a list fits `options.platform`.
 * @throws {UnsupportedTransportError} when the destination cannot take the image's format.
 */
export function copyImage(
  src: string,
  dest: string,
  options: CopyOptions = {},
): Promise<CopyResult> {
  return copyBetween(src, dest, options);
}

/**
 * Copies as {@linkcode copyImage} does, between references parsed by any transport (or
 * strings parsed with `options.transports`), with the transport context, transport table
 * and source policy the caller wires.
 *
 * @example
 * ```ts ignore
 * import { MemoryFileSystem } from "../fs/mod.ts";
 * const fs = new MemoryFileSystem();
 * await copyBetween("docker://alpine:3", "oci:/alpine:3", { context: { fs } });
 * ```
 *
 * @throws {DigestMismatchError} when a blob or manifest does not match its digest.
 * @throws {ManifestUnknownError} when no instance of a list fits `options.platform`.
 * @throws {UnsupportedTransportError} when the destination cannot take the image's format.
 * @throws {ManifestConversionError} with `preserveDigests`, when the manifest would change.
 */
export async function copyBetween(
  src: string | ImageReference,
  dest: string | ImageReference,
  options: CopyOptions & CopySeams = {},
): Promise<CopyResult> {
  const transports = options.transports ?? standardTransports();
  const srcRef = resolveReference(src, transports);
  const destRef = resolveReference(dest, transports);
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`Cannot copy with concurrency ${concurrency}: must be an integer >= 1`);
  }
  const level = options.compressionLevel;
  if (level !== undefined && !(Number.isInteger(level) && level >= 0 && level <= 9)) {
    throw new RangeError(`Cannot compress at level ${level}: must be an integer from 0 to 9`);
  }
  const internal = new AbortController();
  const signal = anySignal([options.signal, options.context?.signal, internal.signal])!;
  signal.throwIfAborted();
  const context = await transportContext(options, signal);
  const checked = checkedSource(
    await srcRef.newSource(context),
    options.sourcePolicy,
    options.all ?? false,
    context,
  );
  const source = checked.source;
  try {
    const destination = await destRef.newDestination(context);
    try {
      const note: VerificationNote = async (sourceDigest, written) => {
        if (destination.recordVerification === undefined) return;
        const verification = await checked.verification(sourceDigest);
        if (verification) destination.recordVerification(written.digest, verification);
      };
      const blobs = new BlobCopier({
        source,
        destination,
        context,
        onProgress: options.onProgress,
        retries: options.retries ?? DEFAULT_RETRIES,
        retryDelayMs: options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS,
        compressionLevel: level,
      });
      const instanceOptions: InstanceCopyOptions = {
        destination,
        blobs,
        // A destination writing one stream takes its layers one at a time, in order.
        concurrency: destination.writesBlobsInOrder === true ? 1 : concurrency,
        compressionFormat: options.compressionFormat,
        manifestType: options.manifestType,
        maxConfigSize: options.maxConfigSize ?? MAX_CONFIG_SIZE,
        signal,
        abort: (reason) => internal.abort(reason),
      };
      const result = await copyTop(source, destination, options, instanceOptions, note);
      signal.throwIfAborted();
      if (options.preserveDigests && result.manifestChanged) {
        throw new ManifestConversionError(
          `${srcRef}@${result.sourceDigest}`,
          result.manifest.mediaType,
          `the copy would change the manifest digest to ${result.manifestDigest}, ` +
            "and the digests must be preserved",
        );
      }
      await destination.commit();
      return result;
    } finally {
      await destination.close();
    }
  } finally {
    await source.close();
  }
}

/** The transports' context: what the caller gave, the host's defaults for the rest. */
async function transportContext(
  options: CopyOptions & CopySeams,
  signal: AbortSignal,
): Promise<TransportContext> {
  const given = options.context ?? {};
  // The host file system is loaded only when needed, so an in-memory caller never
  // reaches `node:fs`.
  const fs = given.fs ?? (await import("../fs/host_file_system.ts")).hostFileSystem();
  const context: TransportContext = { ...given, fs, signal };
  context.env ??= processEnv();
  if (options.tlsVerify !== undefined) context.tlsVerify = options.tlsVerify;
  return context;
}

/**
 * A reference object as given, or parsed from a transport-qualified string with
 * `transports`.
 *
 * @throws {UnsupportedTransportError} when the string names no known transport.
 */
export function resolveReference(
  input: string | ImageReference,
  transports: TransportTable = standardTransports(),
): ImageReference {
  if (typeof input !== "string") return input;
  const reference = transports.parse(input);
  if (reference === undefined) {
    throw new UnsupportedTransportError(input, "it does not start with a known transport");
  }
  return reference;
}

/** Reads the instance `entry` of a list and checks it against the entry's digest. */
async function readInstance(source: ImageSource, entry: Descriptor): Promise<ManifestBytes> {
  const manifest = await source.getManifest(entry.digest);
  if (entry.digest.startsWith("sha256:")) {
    verifyDigest(manifest.bytes, entry.digest, { size: entry.size });
  }
  return { ...manifest, digest: entry.digest };
}

/** Tells the destination what the policy verified of the source manifest `sourceDigest`. */
type VerificationNote = (sourceDigest: string, written: ManifestBytes) => Promise<void>;

async function copyTop(
  source: ImageSource,
  destination: ImageDestination,
  options: CopyOptions & CopySeams,
  instanceOptions: InstanceCopyOptions,
  note: VerificationNote,
): Promise<CopyResult> {
  const top = await source.getManifest();
  const what = source.reference.toString();
  const parsed = parseManifest(top.bytes, { what, contentType: top.mediaType });
  if (parsed.kind === "schema1") {
    throw new InvalidManifestError(what, "Docker schema 1 manifests cannot be copied");
  }
  const single = async (manifest: ManifestBytes): Promise<CopyResult> => {
    const copied = await copyInstance(manifest, instanceOptions);
    await destination.putManifest(copied.manifest);
    await note(manifest.digest, copied.manifest);
    return result(top, copied.manifest, [], copied.changed);
  };
  if (parsed.kind === "image") return await single(top);

  if (!options.all) {
    const want = options.platform ?? defaultPlatform();
    const entry = chooseInstance(parsed.index, want);
    if (entry === undefined) {
      throw new ManifestUnknownError(`${what} (no instance for ${formatPlatform(want)})`);
    }
    const instance = await readInstance(source, entry);
    await destination.putSourceList?.(top);
    return await single(instance);
  }
  if (!destination.supportsManifestLists()) {
    throw new UnsupportedTransportError(
      destination.reference.toString(),
      "the destination cannot hold a manifest list; copy one platform instead",
    );
  }
  return await copyList(top, parsed.mediaType, parsed.index, source, destination, options, {
    ...instanceOptions,
  }, note);
}

async function copyList(
  top: ManifestBytes,
  sourceType: string,
  index: ImageIndex,
  source: ImageSource,
  destination: ImageDestination,
  options: CopyOptions & CopySeams,
  instanceOptions: InstanceCopyOptions,
  note: VerificationNote,
): Promise<CopyResult> {
  const listType = chooseManifestType(
    sourceType,
    destination.supportedManifestTypes(),
    options.manifestType,
    destination.reference.toString(),
  );
  if (options.manifestType !== undefined || listType !== sourceType) {
    instanceOptions.manifestType = listType === MediaType.DockerManifestList
      ? MediaType.DockerManifest
      : MediaType.OciManifest;
  }
  const done = new Map<string, InstanceCopy>();
  const instances: CopiedInstance[] = [];
  for (const entry of index.manifests) {
    if (!isImageManifestType(entry.mediaType)) {
      throw new InvalidManifestError(
        top.digest,
        `instance ${entry.digest} has unsupported media type "${entry.mediaType}"`,
      );
    }
    if (done.has(entry.digest)) continue;
    const copied = await copyInstance(await readInstance(source, entry), instanceOptions);
    await destination.putManifest(copied.manifest, copied.manifest.digest);
    await note(entry.digest, copied.manifest);
    done.set(entry.digest, copied);
    instances.push({ sourceDigest: entry.digest, manifest: copied.manifest });
  }
  const changed = listType !== sourceType ||
    instances.some((i) => done.get(i.sourceDigest)!.changed);
  let manifest = top;
  if (changed) {
    const edited = convertIndex(index, listType as IndexMediaType, {
      what: top.digest,
      mapInstance: (entry: Descriptor): Descriptor => {
        const written = done.get(entry.digest)!.manifest;
        return {
          ...entry,
          mediaType: written.mediaType,
          digest: written.digest,
          size: written.bytes.length,
        };
      },
    });
    const bytes = serializeIndex(edited);
    manifest = { bytes, mediaType: listType, digest: digestBytes(bytes).toString() };
  }
  await destination.putManifest(manifest);
  await note(top.digest, manifest);
  return result(top, manifest, instances, changed);
}

function result(
  top: ManifestBytes,
  manifest: ManifestBytes,
  instances: CopiedInstance[],
  changed: boolean,
): CopyResult {
  return {
    manifestDigest: manifest.digest,
    manifest,
    instances,
    sourceDigest: top.digest,
    manifestChanged: changed,
  };
}
