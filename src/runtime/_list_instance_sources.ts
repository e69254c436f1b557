/**
 * A stored manifest list whose instances may live elsewhere, as a push reads it: the list
 * and the instances stored locally come from the store; an instance that `manifest add`
 * only recorded is read from the source it was added from, and so are its blobs.
 *
 * @module
 */
import { verifyDigest } from "../digest/mod.ts";
import { parseManifest } from "../manifest/mod.ts";
import type {
  ImageDestination,
  ImageReference,
  ImageSource,
  ManifestBytes,
  TransportContext,
} from "../transports/types.ts";
import { parseQualified } from "./_manifest_list_refs.ts";
import type { RegistryAccessOptions } from "./manifest_list_options.ts";
import type { OperationContext } from "./context.ts";

/**
 * `list` (a store reference) with its instances not stored locally read from `sources`
 * (instance digest -> transport-qualified reference).
 */
export function withInstanceSources(
  ctx: OperationContext,
  list: ImageReference,
  sources: Record<string, string>,
  options: RegistryAccessOptions,
): ImageReference {
  const reference: ImageReference = {
    transport: list.transport,
    withinTransport: list.withinTransport,
    dockerReference: list.dockerReference,
    toString: () => list.toString(),
    async newSource(context: TransportContext): Promise<ImageSource> {
      const local = await list.newSource(context);
      const opened = new Map<string, Promise<ImageSource>>();
      const blobOwners = new Map<string, ImageSource>();
      const open = (input: string): Promise<ImageSource> => {
        let source = opened.get(input);
        if (source === undefined) {
          const ref = parseQualified(ctx, input, options);
          if (ref === undefined) {
            throw new TypeError(`Cannot read list instance source "${input}": no transport`);
          }
          source = ref.newSource(context);
          opened.set(input, source);
        }
        return source;
      };
      const remoteManifest = async (digest: string, input: string): Promise<ManifestBytes> => {
        const source = await open(input);
        const manifest = await source.getManifest(digest);
        verifyDigest(manifest.bytes, digest, { what: input });
        const parsed = parseManifest(manifest.bytes, {
          what: `${input}@${digest}`,
          contentType: manifest.mediaType,
        });
        if (parsed.kind === "image") {
          const { config, layers } = parsed.manifest;
          for (const blob of [config, ...layers]) blobOwners.set(blob.digest, source);
        }
        return { ...manifest, digest };
      };
      /** Where an instance not stored locally is read from, if it was only recorded. */
      const remoteInput = async (digest: string | undefined): Promise<string | undefined> => {
        const input = digest === undefined ? undefined : sources[digest];
        return input === undefined || await ctx.store.hasBlob(digest!) ? undefined : input;
      };
      return {
        reference,
        async getManifest(instanceDigest?: string): Promise<ManifestBytes> {
          const input = await remoteInput(instanceDigest);
          if (input === undefined) return await local.getManifest(instanceDigest);
          return await remoteManifest(instanceDigest!, input);
        },
        async instanceSource(instanceDigest: string): Promise<ImageSource | undefined> {
          const input = await remoteInput(instanceDigest);
          return input === undefined ? undefined : await open(input);
        },
        async getBlob(blob, opts) {
          const owner = blobOwners.get(blob.digest);
          if (owner !== undefined && !(await ctx.store.hasBlob(blob.digest))) {
            return await owner.getBlob(blob, opts);
          }
          return await local.getBlob(blob, opts);
        },
        async close() {
          const all = [local.close()];
          for (const source of opened.values()) {
            all.push(source.then((s) => s.close(), () => {}));
          }
          await Promise.all(all);
        },
      };
    },
    newDestination(): Promise<ImageDestination> {
      return Promise.reject(new TypeError(`Cannot write to "${reference}": it is read-only`));
    },
  };
  return reference;
}
