/**
 * An in-memory transport for tests, `memory:NAME`: a {@linkcode MemoryStore} holds blobs
 * and manifests by digest and names pointing at top-level manifests. Destinations buffer
 * everything until `commit`, verify what they receive, and record what happened
 * ({@linkcode MemoryStats}) so tests can check skipping, concurrency and cleanup.
 *
 * @module
 */
import {
  BlobUnknownError,
  DigestMismatchError,
  InvalidReferenceError,
  ManifestUnknownError,
} from "../../src/errors.ts";
import type {
  BlobInfo,
  ImageDestination,
  ImageReference,
  ImageSource,
  LayerCompressionWish,
  ManifestBytes,
  Transport,
  TransportContext,
} from "../../src/transports/types.ts";
import { sha256 } from "./random_image.ts";
import type { RandomImage, RandomIndex } from "./random_image.ts";

/** Where memory images live: blobs and manifests by digest, names to top-level digests. */
export class MemoryStore {
  /** Blobs by digest. */
  readonly blobs: Map<string, Uint8Array> = new Map();
  /** Manifests by digest. */
  readonly manifests: Map<string, ManifestBytes> = new Map();
  /** Image names to the digest of their top-level manifest. */
  readonly names: Map<string, string> = new Map();

  /** Stores a generated image or index under `name`. */
  add(name: string, image: RandomImage | RandomIndex): void {
    for (const [digest, bytes] of image.blobs) this.blobs.set(digest, bytes);
    if ("images" in image) {
      for (const instance of image.images) {
        this.manifests.set(instance.manifest.digest, instance.manifest);
      }
    }
    this.manifests.set(image.manifest.digest, image.manifest);
    this.names.set(name, image.manifest.digest);
  }

  /** The top-level manifest stored under `name`, if any. */
  top(name: string): ManifestBytes | undefined {
    const digest = this.names.get(name);
    return digest === undefined ? undefined : this.manifests.get(digest);
  }
}

/** What destinations of a memory transport did. */
export interface MemoryStats {
  /** Digests asked with `hasBlob`, in order. */
  hasBlob: string[];
  /** Digests stored with `putBlob` (completed), in order. */
  putBlob: string[];
  /** The sizes `putBlob` was told, by digest (-1: unknown). */
  putSizes: Map<string, number>;
  /** Digests read with `getBlob`, in order. */
  getBlob: string[];
  /** The most `putBlob` calls in progress at the same time. */
  maxConcurrentPuts: number;
  /** How many destinations committed. */
  commits: number;
  /** How many destinations were closed without a commit. */
  discards: number;
}

/** Options of {@linkcode memoryTransport}. */
export interface MemoryTransportOptions {
  /** The prefix name. @default "memory" */
  name?: string;
  /** The store to read from and write into. @default a new, empty store */
  store?: MemoryStore;
  /** What destinations accept. @default OCI and Docker manifests and lists */
  supportedManifestTypes?: readonly string[];
  /** What destinations want for layers. @default "preserve" */
  desiredLayerCompression?: LayerCompressionWish;
  /** Whether destinations hold lists. @default true */
  supportsManifestLists?: boolean;
  /** Destinations write blobs one after another (see `writesBlobsInOrder`). @default false */
  writesBlobsInOrder?: boolean;
  /** Sources know these uncompressed layer sizes, by diff ID (`uncompressedSize`). */
  uncompressedSizes?: Map<string, number>;
  /** Lets a test replace a blob stream a source hands out (stall it, corrupt it). */
  wrapBlob?: (
    digest: string,
    stream: ReadableStream<Uint8Array>,
    signal?: AbortSignal,
  ) => ReadableStream<Uint8Array>;
}

/** A memory transport with its store and statistics. */
export interface MemoryTransport extends Transport {
  /** The images. */
  readonly store: MemoryStore;
  /** What destinations and sources did. */
  readonly stats: MemoryStats;
}

const ALL_TYPES = [
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
];

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of stream) {
    chunks.push(chunk);
    length += chunk.length;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function streamOf(bytes: Uint8Array, chunkSize = 1024): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}

/** Builds a memory transport; parse `NAME` (any non-empty string) into a reference. */
export function memoryTransport(options: MemoryTransportOptions = {}): MemoryTransport {
  const store = options.store ?? new MemoryStore();
  const stats: MemoryStats = {
    hasBlob: [],
    putBlob: [],
    putSizes: new Map(),
    getBlob: [],
    maxConcurrentPuts: 0,
    commits: 0,
    discards: 0,
  };
  const transport: MemoryTransport = {
    name: options.name ?? "memory",
    store,
    stats,
    parse(within: string): ImageReference {
      if (within === "") throw new InvalidReferenceError(within, "NameEmpty", "empty name");
      return makeReference(within);
    },
  };

  function makeReference(name: string): ImageReference {
    const reference: ImageReference = {
      transport,
      withinTransport: name,
      dockerReference: undefined,
      toString: () => `${transport.name}:${name}`,
      newSource: (_context: TransportContext) => Promise.resolve(makeSource(reference, name)),
      newDestination: (_context: TransportContext) =>
        Promise.resolve(makeDestination(reference, name)),
    };
    return reference;
  }

  function makeSource(reference: ImageReference, name: string): ImageSource {
    const sizes = options.uncompressedSizes;
    return {
      reference,
      ...(sizes === undefined
        ? {}
        : { uncompressedSize: (diffId: string) => Promise.resolve(sizes.get(diffId)) }),
      getManifest(instanceDigest?: string): Promise<ManifestBytes> {
        const manifest = instanceDigest === undefined
          ? store.top(name)
          : store.manifests.get(instanceDigest);
        if (manifest === undefined) {
          return Promise.reject(new ManifestUnknownError(instanceDigest ?? name));
        }
        return Promise.resolve({ ...manifest, bytes: manifest.bytes.slice() });
      },
      getBlob(blob: BlobInfo, opts?: { signal?: AbortSignal }) {
        const bytes = store.blobs.get(blob.digest);
        if (bytes === undefined) return Promise.reject(new BlobUnknownError(blob.digest));
        stats.getBlob.push(blob.digest);
        const stream = streamOf(bytes);
        return Promise.resolve(
          options.wrapBlob ? options.wrapBlob(blob.digest, stream, opts?.signal) : stream,
        );
      },
      close: () => Promise.resolve(),
    };
  }

  function makeDestination(reference: ImageReference, name: string): ImageDestination {
    const blobs = new Map<string, Uint8Array>();
    const manifests = new Map<string, ManifestBytes>();
    let top: ManifestBytes | undefined;
    let inFlight = 0;
    let closed = false;
    let committed = false;
    return {
      reference,
      writesBlobsInOrder: options.writesBlobsInOrder,
      supportedManifestTypes: () => options.supportedManifestTypes ?? ALL_TYPES,
      desiredLayerCompression: () => options.desiredLayerCompression ?? "preserve",
      supportsManifestLists: () => options.supportsManifestLists ?? true,
      hasBlob(blob: BlobInfo): Promise<boolean> {
        stats.hasBlob.push(blob.digest);
        return Promise.resolve(store.blobs.has(blob.digest) || blobs.has(blob.digest));
      },
      async putBlob(blob: BlobInfo, stream: ReadableStream<Uint8Array>): Promise<void> {
        if (closed) throw new Error("destination is closed");
        inFlight++;
        stats.maxConcurrentPuts = Math.max(stats.maxConcurrentPuts, inFlight);
        stats.putSizes.set(blob.digest, blob.size);
        try {
          const bytes = await readAll(stream);
          const actual = sha256(bytes);
          if (actual !== blob.digest || (blob.size >= 0 && blob.size !== bytes.length)) {
            throw new DigestMismatchError(
              blob.digest,
              blob.digest,
              actual,
              bytes.length,
              blob.size,
            );
          }
          blobs.set(blob.digest, bytes);
          stats.putBlob.push(blob.digest);
        } finally {
          inFlight--;
        }
      },
      putManifest(manifest: ManifestBytes, instanceDigest?: string): Promise<void> {
        if (sha256(manifest.bytes) !== manifest.digest) {
          return Promise.reject(new Error(`manifest digest is wrong: ${manifest.digest}`));
        }
        if (instanceDigest !== undefined) manifests.set(instanceDigest, manifest);
        else top = manifest;
        return Promise.resolve();
      },
      commit(): Promise<void> {
        if (top === undefined) return Promise.reject(new Error("commit without a manifest"));
        for (const [digest, bytes] of blobs) store.blobs.set(digest, bytes);
        for (const [digest, manifest] of manifests) store.manifests.set(digest, manifest);
        store.manifests.set(top.digest, top);
        store.names.set(name, top.digest);
        committed = true;
        stats.commits++;
        return Promise.resolve();
      },
      close(): Promise<void> {
        if (!closed && !committed) stats.discards++;
        closed = true;
        return Promise.resolve();
      },
    };
  }

  return transport;
}
