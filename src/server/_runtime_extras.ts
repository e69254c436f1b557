/**
 * The runtime operations behind the routes that stream (save, load, import, search),
 * adapted to the shapes the routes need; a missing one makes its route answer 501.
 *
 * @module
 */
import type { Runtime } from "../runtime/mod.ts";
import type { PullOptions } from "../runtime/mod.ts";
import type { EventLog } from "./event_log.ts";

/** One search result. */
export interface SearchHit {
  /** The repository name. */
  name: string;
  /** Its description. */
  description?: string;
  /** Its star count. */
  stars?: number;
  /** Whether it is an official image. */
  official?: boolean;
  /** Whether it is an automated build. */
  automated?: boolean;
}

type Auth = Pick<PullOptions, "username" | "password" | "identityToken">;

/** The caps and the cancellation of an upload route (load, import). */
export interface UploadOptions {
  /** Stops the work (the client went away). */
  signal?: AbortSignal;
  /** The byte cap (see `LoadOptions.maxBytes`). */
  maxBytes?: number;
  /** The image cap of a load (see `LoadOptions.maxImages`). */
  maxImages?: number;
}

/** The optional operations, adapted to what the routes need. */
export interface RuntimeExtras {
  /** Writes a docker-archive of `names` to `output`. */
  save?: (names: string[], output: WritableStream<Uint8Array>) => Promise<void>;
  /** Loads a docker-archive or OCI archive; returns the loaded names (or IDs). */
  load?: (input: ReadableStream<Uint8Array>, options?: UploadOptions) => Promise<string[]>;
  /** Imports a root-file-system tarball; returns the image ID. */
  importImage?: (
    input: ReadableStream<Uint8Array>,
    options: { reference?: string; changes: string[]; message?: string } & UploadOptions,
  ) => Promise<string>;
  /** Searches registries. */
  search?: (
    term: string,
    options: { limit: number; filters: string[]; tlsVerify?: false } & Auth,
  ) => Promise<SearchHit[]>;
}

/**
 * The runtime's save, load, import and search, adapted to what the routes need. An import
 * is recorded in `log` as an `import` event: libimage sends none, dockerd does.
 */
export function extras(runtime: Runtime, log?: EventLog): RuntimeExtras {
  return {
    save: (names, output) => runtime.save(names, { format: "docker-archive", output }),
    load: (input, options) => runtime.load(input, options),
    importImage: async (input, options) => {
      const id = await runtime.importImage(input, options);
      log?.add({
        type: "import",
        id: id.replace(/^sha256:/, ""),
        name: options.reference ?? "",
        time: new Date(),
      });
      return id;
    },
    search: async (term, options) => {
      const hits = await runtime.search(term, options);
      return hits.map((hit) => ({
        name: hit.Name,
        description: hit.Description,
        stars: hit.Stars,
        official: hit.Official !== "",
        automated: hit.Automated !== "",
      }));
    },
  };
}
