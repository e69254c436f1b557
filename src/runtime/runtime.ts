/**
 * The one entry point: {@linkcode Runtime} opens the store and the configuration and
 * wires the operations (each a function over a {@linkcode RuntimeContext}) together.
 *
 * @module
 */
import {
  type CredentialHelperRunner,
  lazyCredentialHelperRunner,
} from "../config/credential_helper.ts";
import type { CredentialsContext } from "../config/credentials.ts";
import type { RegistriesConf } from "../config/registries_conf.ts";
import { type RegistryTls, userCertsTls } from "../config/certs_dir.ts";
import { defaultStorageRoot } from "../config/storage_paths.ts";
import { ImageNotFoundError } from "../errors.ts";
import { EventChannel, type ImageEvent } from "../events/mod.ts";
import { currentUid, type FileSystem, hostFileSystem, processEnv } from "../fs/mod.ts";
import { homeDirOf } from "../fs/process.ts";
import { defaultPlatform } from "../platform/host_platform.ts";
import { normalizePlatformChoice, type PlatformChoice } from "../platform/normalize_platform.ts";
import { parsePlatform } from "../platform/parse_platform.ts";
import { normalizeName } from "../reference/mod.ts";
import type { FetchLike } from "../registry/mod.ts";
import { openStore } from "../store/local_image_store.ts";
import type { ImageRecord, ImageStore } from "../store/types.ts";
import { containersStorageTransport } from "../transports/containers_storage/reference.ts";
import { standardTransports, type TransportTable } from "../transports/transport_table.ts";
import type { Transport } from "../transports/types.ts";
import type { Platform } from "../types/mod.ts";
import type { ContainerInfo, LookupOptions, LookupResult } from "../lookup/types.ts";
import type { ImageSummary, ListImagesOptions } from "./list_images.ts";
import type { OperationContext } from "./context.ts";
import type { PullOptions } from "./pull_options.ts";
import type { RemoveImagesOptions, RemoveImagesResult } from "./remove_images.ts";
import type { DiskUsageResult } from "./disk_usage.ts";
import type { HistoryRow } from "./history.ts";
import type { ImageData, InspectOptions } from "./inspect.ts";
import type { PruneOptions, PruneResult } from "./prune.ts";
import type { TreeOptions } from "./tree.ts";
import type { ManifestList } from "./manifest_list.ts";
import type { UnpackOptions, UnpackResult } from "./unpack.ts";
import type { SaveOptions } from "./save.ts";
import type { LoadOptions } from "./load.ts";
import type { ImportOptions } from "./import_image.ts";
import { checkLimit, loadLimits } from "./_load_limits.ts";
import type { PushOptions } from "./push.ts";
import type { ImageCopyOptions } from "./copy.ts";
import type { CopyResult } from "../copy/mod.ts";
import type { ImageSearchResult, SearchOptions } from "./search.ts";
import { runtimeSignatureLocations, trustLoader } from "./_trust.ts";

/** Options of {@linkcode Runtime.open}. */
export interface RuntimeOptions {
  /**
   * The store's root directory. @default `$STEVEDORE_ROOT`, else the standard store
   * (`$XDG_DATA_HOME/stevedore/storage` rootless, `/var/lib/stevedore/storage` as root)
   */
  root?: string;
  /** A registries.conf to read instead of the default files. @default the standard files */
  registriesConf?: string;
  /**
   * The registries.conf.d drop-in folder to read instead of the standard ones (`""` reads
   * none). @default the standard folders
   */
  registriesConfDir?: string;
  /** The credential file to read (`--authfile`). @default the standard auth files */
  authFile?: string;
  /**
   * The platform to work for. Given explicitly, it counts as a custom platform for pulls
   * and lookups (like a SystemContext's choices). @default the host's
   */
  platform?: string | PlatformChoice;
  /**
   * The platform used when none is asked for; unlike `platform` it is not a custom
   * platform. @default the host's (Linux on macOS)
   */
  hostPlatform?: Platform;
  /**
   * Environment variables for the store root, configuration paths and credentials
   * (`STEVEDORE_ROOT`, `XDG_*`, `HOME`, `REGISTRY_AUTH_FILE`, `DOCKER_CONFIG`, ...), read
   * as the CLI reads them. @default the process environment
   */
  env?: Record<string, string | undefined>;
  /** The user's home directory. @default `$HOME`, else os.homedir() */
  homeDir?: string;
  /** The effective user ID (0 is root). @default os.userInfo().uid */
  uid?: number;
  /** Lists containers that use images. @default none */
  listContainers?: () => Promise<ContainerInfo[]>;
  /** Removes a container. @default none */
  removeContainer?: (id: string) => Promise<void>;
  /**
   * Whether stdin and stdout are terminals (short-name prompts); a function is asked only
   * when a short name would need a prompt. @default false
   */
  isTTY?: boolean | (() => boolean);
  /**
   * Asks the user to pick a short-name candidate (called with `"Please select an image"`
   * and the candidates' names; a rejection fails the pull with a `ShortNameError`).
   * @default none
   */
  prompt?: (message: string, choices: string[]) => Promise<string>;
  /** Receives warnings. @default console.warn */
  warn?: (message: string) => void;
  /** The clock. @default () => new Date() */
  now?: () => Date;
  /** A directory for temporary files. @default the store's `tmp/` folder */
  tmpDir?: string;
  /**
   * The signature policy (containers-policy.json(5)) every copy's source is checked
   * against. @default `~/.config/containers/policy.json`, else
   * `/etc/containers/policy.json`; with neither, every image is accepted
   */
  signaturePolicyPath?: string;
  /**
   * The registries.d directory (containers-registries.d(5)) naming where signatures
   * live. @default `~/.config/containers/registries.d`, else `/etc/containers/registries.d`
   */
  registriesDirPath?: string;
  /**
   * The absolute working directory that relative `oci:` and `dir:` paths are resolved
   * against when the signature policy picks their path scope (the CLI passes its
   * process's). @default none: a relative path matches only the transport's `""` scope
   */
  cwd?: string;
  /**
   * The most bytes one load or import may take in: an upload (a stream), and (on its
   * own) the uncompressed bytes the payload expands to; past it a `TooLargeError`.
   * @default DEFAULT_MAX_LOAD_BYTES (64 GiB)
   */
  maxLoadBytes?: number;
  /**
   * The most images (each name counting) one loaded archive may hold.
   * @default DEFAULT_MAX_LOAD_IMAGES (1000)
   */
  maxLoadImages?: number;
}

/**
 * The parts of a runtime a host may supply instead of the defaults (see
 * {@linkcode openRuntime}): where files live, the store, how registries are reached,
 * how credential helpers run and which transports exist.
 */
export interface RuntimeSeams {
  /**
   * The file system for the store, configuration and path transports. @default the host's
   * disk: Deno's own file API on Deno, `node:fs` elsewhere (`hostFileSystem()`)
   */
  fs?: FileSystem;
  /** An already opened store to use (then `root` is ignored). @default openStore({ root, fs }) */
  store?: ImageStore;
  /** The `fetch` registries are reached with. @default globalThis.fetch */
  fetch?: FetchLike;
  /** Runs `docker-credential-*` helpers. @default a child-process runner */
  credentialHelperRunner?: CredentialHelperRunner;
  /**
   * Transports to know besides the standard ones (replacing those of the same name).
   * `containers-storage:` is always this runtime's store. One that can list a payload's
   * images (`listFolderImages`, `listArchiveImages`) is also a format `load` reads, tried
   * after the standard ones. @default none
   */
  transports?: Transport[];
}

/** The parts an open runtime works with (see {@linkcode runtimeParts}). */
export interface RuntimeParts {
  /** The local image store. */
  store: ImageStore;
  /** The file system the store, the configuration and the path transports live on. */
  fs: FileSystem;
  /**
   * The registries configuration in use, read when first asked for (by this or by an
   * operation that resolves a name or reaches a registry); a broken file rejects here.
   */
  registriesConf(): Promise<RegistriesConf>;
  /** The transports `name:rest` strings are parsed with (`containers-storage:` included). */
  transports: TransportTable;
  /**
   * The TLS files (certs.d) the runtime's registry clients use for `registry` (`host[:port]`),
   * read from the runtime's file system; `undefined` when it has none.
   */
  registryTls(registry: string): Promise<RegistryTls | undefined>;
}

function explicitPlatform(
  platform: string | PlatformChoice | undefined,
): PlatformChoice | undefined {
  if (platform === undefined) return undefined;
  const choice = typeof platform === "string" ? parsePlatform(platform) : platform;
  return normalizePlatformChoice(choice);
}

/**
 * What a runtime holds from the start: everything operations need but registries.conf,
 * which {@linkcode RuntimeBase.registriesConf} reads on first use (as containers/image
 * does: listing or inspecting by ID never reads it, and a broken file fails only what
 * needs it). Its credentials have no credential helpers yet: they come from that file.
 */
interface RuntimeBase extends Omit<OperationContext, "registriesConf"> {
  /** registries.conf, read once, when first needed. */
  registriesConf(): Promise<RegistriesConf>;
}

/** Builds a runtime over its base (set by the class's static block). */
let construct: (base: RuntimeBase) => Runtime;
/** Reads a runtime's base (set by the class's static block). */
let baseOf: (runtime: Runtime) => RuntimeBase;

/** The image runtime: pull, look up, list, tag and remove images of one store. */
export class Runtime {
  /** The store side: what operations on local images work with. */
  readonly #ctx: RuntimeBase;
  /** The full operation context, once registries.conf has been read. */
  #operations: Promise<OperationContext> | undefined;

  private constructor(base: RuntimeBase) {
    this.#ctx = base;
  }

  // What openRuntime and runtimeParts below, in this module only, may do with a runtime.
  static {
    construct = (base) => new Runtime(base);
    baseOf = (runtime) => runtime.#ctx;
  }

  /** The context of operations that resolve names or reach registries and transports. */
  #context(): Promise<OperationContext> {
    return this.#operations ??= this.#ctx.registriesConf().then((conf) => ({
      ...this.#ctx,
      registriesConf: conf,
      credentials: { ...this.#ctx.credentials, credentialHelpers: conf.credentialHelpers },
    }));
  }

  /**
   * Opens the store (registries.conf is read when first needed). With no options it works
   * as the CLI does: the host file system, the process environment, the standard store and
   * configuration.
   * {@linkcode openRuntime} opens one on parts the host supplies.
   *
   * @example
   * ```ts ignore
   * const runtime = await Runtime.open();
   * const [image] = await runtime.pull("alpine");
   * ```
   */
  static open(options: RuntimeOptions = {}): Promise<Runtime> {
    return openRuntime(options);
  }

  /** The caps of a load or import when the call gives none (see `RuntimeOptions`). */
  get loadLimits(): { maxBytes: number; maxImages: number } {
    return loadLimits(this.#ctx, {});
  }

  /** The platform images are pulled and looked up for. */
  get platform(): Platform {
    return { ...this.#ctx.platform };
  }

  /** Pulls an image (see {@linkcode pull}); a per-call `authFile` overrides the runtime's. */
  async pull(name: string, options: PullOptions = {}): Promise<ImageRecord[]> {
    const ctx = await this.#withAuthFile(options.authFile);
    return (await import("./pull.ts")).pull(ctx, name, options);
  }

  /** Looks up a local image by name, ID, ID prefix or digest. */
  lookupImage(name: string, options: LookupOptions = {}): Promise<LookupResult> {
    return this.#ctx.lookup(name, options);
  }

  /** Whether a usable image exists: unknown or corrupted images give `false`. */
  async exists(name: string): Promise<boolean> {
    try {
      const { image } = await this.#ctx.lookup(name);
      return !(await this.#ctx.store.isCorrupted(image));
    } catch (error) {
      if (error instanceof ImageNotFoundError) return false;
      throw error;
    }
  }

  /**
   * The name a local image is known under, else the normalized name (`localhost/` for
   * short names, also for an image found by ID); `""` stays `""`.
   */
  async resolveName(name: string): Promise<string> {
    if (name === "") return "";
    try {
      const found = await this.#ctx.lookup(name);
      if (!found.byId && found.resolvedName !== "") return found.resolvedName;
    } catch (error) {
      if (!(error instanceof ImageNotFoundError)) throw error;
    }
    return normalizeName(name).toString();
  }

  /** The image events written from now on, until `signal` aborts or the loop breaks. */
  events(signal?: AbortSignal): AsyncIterableIterator<ImageEvent> {
    return this.#ctx.events.subscribe(signal);
  }

  /** Lists images, optionally filtered. */
  async listImages(options: ListImagesOptions = {}): Promise<ImageSummary[]> {
    return (await import("./list_images.ts")).listImages(this.#ctx, options);
  }

  /** Removes images by name (or, without names, by filters / all). */
  async removeImages(
    names: string[],
    options: RemoveImagesOptions = {},
  ): Promise<RemoveImagesResult> {
    return (await import("./remove_images.ts")).removeImages(this.#ctx, names, options);
  }

  /** Adds `newName` to the image `name`. */
  async tag(name: string, newName: string): Promise<ImageRecord> {
    return (await import("./tag.ts")).tag(this.#ctx, name, newName);
  }

  /** Removes `oldName` from the image `name`. */
  async untag(name: string, oldName: string): Promise<ImageRecord> {
    return (await import("./tag.ts")).untag(this.#ctx, name, oldName);
  }

  /** Describes an image (libimage's `Inspect`). */
  async inspect(name: string, options: InspectOptions = {}): Promise<ImageData> {
    return (await import("./inspect.ts")).inspect(this.#ctx, name, options);
  }

  /** The build history of an image, newest first. */
  async history(name: string): Promise<HistoryRow[]> {
    return (await import("./history.ts")).history(this.#ctx, name);
  }

  /** The layer tree of an image, as printable text. */
  async tree(name: string, options: TreeOptions = {}): Promise<string> {
    return (await import("./tree.ts")).tree(this.#ctx, name, options);
  }

  /** Disk usage per image and in total. */
  async diskUsage(): Promise<DiskUsageResult> {
    return (await import("./disk_usage.ts")).diskUsage(this.#ctx);
  }

  /** Removes dangling (or, with `all`, unused) images, then leftovers of dead processes. */
  async prune(options: PruneOptions = {}): Promise<PruneResult> {
    return (await import("./prune.ts")).prune(this.#ctx, options);
  }

  /** Creates an empty manifest list named `name` (normalized) with a random ID. */
  async createManifestList(name: string): Promise<ManifestList> {
    return (await import("./manifest_list.ts")).createManifestList(await this.#context(), name);
  }

  /** The manifest list `name` refers to; a single image gives `NotAManifestListError`. */
  async lookupManifestList(name: string): Promise<ManifestList> {
    return (await import("./manifest_list.ts")).lookupManifestList(await this.#context(), name);
  }

  /**
   * Wraps the image `name` in a manifest list inside its own record (libimage's
   * `Image.ConvertToManifestList`): a Docker list for a Docker image, an OCI index for an
   * OCI one; the image's names now find the list with `lookupManifestList`, and still the
   * image otherwise. A list is returned as it is.
   *
   * @example
   * ```ts ignore
   * const list = await runtime.convertToManifestList("localhost/app:v1");
   * await list.addArtifact({ type: "application/vnd.example.sbom" }, ["sbom.json"]);
   * ```
   */
  async convertToManifestList(name: string): Promise<ManifestList> {
    return (await import("./_convert_to_manifest_list.ts")).convertToManifestList(
      await this.#context(),
      name,
    );
  }

  /** Extracts the root file system of the image `name` into `dir`. */
  async unpack(name: string, dir: string, options: UnpackOptions = {}): Promise<UnpackResult> {
    return (await import("./unpack.ts")).unpack(this.#ctx, name, dir, options);
  }

  /** Saves images to an archive, an OCI layout or a `dir:` folder (see {@linkcode save}). */
  async save(names: string[], options: SaveOptions): Promise<void> {
    return (await import("./save.ts")).save(await this.#context(), names, options);
  }

  /** Loads every image of an archive or folder (see {@linkcode load}); returns the names. */
  async load(
    input: string | ReadableStream<Uint8Array>,
    options: LoadOptions = {},
  ): Promise<string[]> {
    return (await import("./load.ts")).load(this.#ctx, input, options);
  }

  /** Imports a root file system tarball as an image; returns `sha256:<id>`. */
  async importImage(
    source: string | ReadableStream<Uint8Array>,
    options: ImportOptions = {},
  ): Promise<string> {
    return (await import("./import_image.ts")).importImage(this.#ctx, source, options);
  }

  /**
   * Pushes a local image (see {@linkcode push}); returns the pushed manifest digest. A
   * per-call `authFile` overrides the runtime's.
   */
  async push(source: string, destination = "", options: PushOptions = {}): Promise<string> {
    const { push } = await import("./push.ts");
    return push(await this.#withAuthFile(options.authFile), source, destination, options);
  }

  /**
   * Copies an image between two `transport:details` locations, as `skopeo copy` does
   * (see {@linkcode copy}): the policy checks the source, signatures move between
   * registries, and `containers-storage:` is this runtime's store.
   */
  async copy(
    source: string,
    destination: string,
    options: ImageCopyOptions = {},
  ): Promise<CopyResult> {
    const { copy } = await import("./copy.ts");
    return copy(await this.#context(), source, destination, options);
  }

  /** Searches registries, or lists a repository's tags (see {@linkcode search}). */
  async search(term: string, options: SearchOptions = {}): Promise<ImageSearchResult[]> {
    const { search } = await import("./search.ts");
    return search(await this.#withAuthFile(options.authFile), term, options);
  }

  async #withAuthFile(authFile: string | undefined): Promise<OperationContext> {
    const ctx = await this.#context();
    if (authFile === undefined) return ctx;
    return { ...ctx, credentials: { ...ctx.credentials, authFile } };
  }

  /** Releases the runtime; nothing is held open between operations. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Opens a runtime as {@linkcode Runtime.open} does, on parts the host may supply (its own
 * file system, an already open or in-memory store, a `fetch`, a credential helper runner,
 * more transports, see {@linkcode RuntimeSeams}); what it leaves out is the default.
 *
 * @example
 * ```ts ignore
 * import { MemoryFileSystem } from "../fs/mod.ts";
 * const runtime = await openRuntime({ fs: new MemoryFileSystem(), root: "/store", env: {} });
 * ```
 */
export async function openRuntime(options: RuntimeOptions & RuntimeSeams = {}): Promise<Runtime> {
  const fs = options.fs ?? hostFileSystem();
  const env = { ...(options.env ?? processEnv()) };
  const homeDir = options.homeDir ?? homeDirOf(env);
  const uid = options.uid ?? currentUid();
  const warn = options.warn ?? ((message: string) => console.warn(message));
  const now = options.now ?? (() => new Date());
  const root = options.root ?? (env.STEVEDORE_ROOT || defaultStorageRoot({ env, homeDir, uid }));
  let conf: Promise<RegistriesConf> | undefined;
  const registriesConf = () =>
    conf ??= import("../config/registries_conf.ts").then(({ loadRegistriesConf }) =>
      loadRegistriesConf({
        fs,
        env,
        homeDir,
        uid,
        path: options.registriesConf,
        dropInDir: options.registriesConfDir,
        warn,
      })
    );
  const store = options.store ?? await openStore({ root, fs, now });
  // Temporary files live beside the store by default: same file system (renames work, an
  // in-memory store needs no disk) and the store's gc removes what a killed process left.
  const tmpDir = options.tmpDir ?? `${store.root.replace(/\/+$/, "")}/tmp`;
  await fs.mkdir(tmpDir, { recursive: true });
  const customPlatform = explicitPlatform(options.platform);
  const host = options.hostPlatform ?? defaultPlatform();
  const platform: Platform = customPlatform ? { ...host, ...customPlatform } as Platform : host;
  if (customPlatform && !customPlatform.architecture) delete platform.variant;
  const credentials: CredentialsContext = {
    fs,
    env,
    homeDir,
    uid,
    runCredentialHelper: options.credentialHelperRunner ?? lazyCredentialHelperRunner(env),
    warn,
  };
  if (options.authFile !== undefined) credentials.authFile = options.authFile;
  const trustSettings = {
    fs,
    homeDir,
    uid,
    signaturePolicyPath: options.signaturePolicyPath,
    registriesDirPath: options.registriesDirPath,
    cwd: options.cwd,
    now,
  };
  const signatures = runtimeSignatureLocations(trustSettings);
  const storage = containersStorageTransport(store);
  const transports = standardTransports().with(...(options.transports ?? []), storage);
  const ctx: RuntimeBase = {
    store,
    fs,
    events: new EventChannel({ warn }),
    platform,
    now,
    warn,
    registriesConf,
    credentials,
    storage,
    transports,
    lookup: async (name: string, lookupOptions?: LookupOptions) => {
      const { lookupImage } = await import("../lookup/lookup_image.ts");
      return lookupImage(store, await registriesConf(), name, lookupOptions, {
        platform,
        platformChoice: customPlatform,
        warn,
        transports,
      });
    },
    isTTY: options.isTTY ?? false,
    tmpDir,
    trust: trustLoader(trustSettings, signatures),
    signatures,
  };
  if (customPlatform) ctx.customPlatform = customPlatform;
  if (options.fetch) ctx.fetch = options.fetch;
  if (options.prompt) ctx.prompt = options.prompt;
  if (options.listContainers) ctx.listContainers = options.listContainers;
  if (options.removeContainer) ctx.removeContainer = options.removeContainer;
  if (options.maxLoadBytes !== undefined) {
    ctx.maxLoadBytes = checkLimit("maxLoadBytes", options.maxLoadBytes);
  }
  if (options.maxLoadImages !== undefined) {
    ctx.maxLoadImages = checkLimit("maxLoadImages", options.maxLoadImages);
  }
  return construct(ctx);
}

/**
 * The parts an open runtime works with: its store, file system, registries configuration
 * and transport table, for code that builds on the lower layers (a server over the same
 * store, reading files out of a stored image).
 *
 * @example
 * ```ts ignore
 * const { store } = runtimeParts(await Runtime.open());
 * console.log((await store.images()).length);
 * ```
 */
export function runtimeParts(runtime: Runtime): RuntimeParts {
  const ctx = baseOf(runtime);
  return {
    store: ctx.store,
    fs: ctx.fs,
    registriesConf: ctx.registriesConf,
    transports: ctx.transports,
    registryTls: userCertsTls(ctx.fs, ctx.credentials.homeDir),
  };
}
