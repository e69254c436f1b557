/**
 * stevedore: container image management for Deno, Node and Bun.
 *
 * It pulls, pushes, stores, looks up, lists, removes, tags, saves, loads and copies OCI and
 * Docker images, resolves short names, applies pull policies and picks the right platform
 * out of multi-arch images: containers/common `libimage` as a TypeScript module.
 *
 * This root module is the whole everyday API: {@linkcode Runtime} (one local store and its
 * operations), {@linkcode copyImage} (any transport to any other), reference parsing, the
 * image events and the error classes. The lower layers are subpath exports of their own:
 * `/registry` (the OCI distribution client), `/transports`, `/store`, `/digest`,
 * `/compression`, `/manifest`, `/types`, `/platform`, `/reference`, `/config`, `/fs` and
 * `/server` (the HTTP server).
 *
 * @example Parse and normalize an image name
 * ```ts
 * import { normalizeName, parseNormalizedName } from "./mod.ts";
 *
 * console.log(parseNormalizedName("alpine:3").toString()); // "docker.io/library/alpine:3"
 * console.log(normalizeName("my/app").toString()); // "localhost/my/app:latest"
 * ```
 *
 * @example Open a store and look for an image
 * ```ts
 * import { ImageNotFoundError, Runtime } from "./mod.ts";
 *
 * const root = await Deno.makeTempDir();
 * const runtime = await Runtime.open({ root });
 * console.log(await runtime.exists("alpine")); // false
 * try {
 *   await runtime.lookupImage("alpine");
 * } catch (error) {
 *   if (!(error instanceof ImageNotFoundError)) throw error;
 *   console.log(error.code); // "ImageNotFound"
 * }
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @module
 */

// The runtime: one store, its configuration and its operations, with their options and
// results; copying between transports.
export * from "./src/runtime/mod.ts";
export * from "./src/copy/mod.ts";

// Image references.
export type { Reference } from "./src/reference/reference.ts";
export { parseNormalizedName } from "./src/reference/parse_reference.ts";
export { normalizeName } from "./src/reference/normalize_name.ts";

// Events and errors.
export type { ImageEvent, ImageEventType } from "./src/events/event.ts";
export * from "./src/errors.ts";
