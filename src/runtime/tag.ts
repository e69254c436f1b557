/**
 * Tagging and untagging local images (libimage's `Image.Tag` / `Image.Untag`).
 *
 * @module
 */
import type { ImageRecord } from "../store/types.ts";
import type { RuntimeContext } from "./context.ts";
import type { ImageEventType } from "../events/mod.ts";
import { normalizeName } from "../reference/mod.ts";
import { ImageConflictError, TagError } from "../errors.ts";

async function withEvent<T>(
  ctx: RuntimeContext,
  type: ImageEventType,
  id: string,
  name: () => string,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } finally {
    await ctx.events.write({ type, id, name: name(), time: ctx.now() });
  }
}

/**
 * Gives the image `name` resolves to the additional name `newName`, normalized as
 * libimage does (`foo` → `localhost/foo:latest`). A `tag` event is written at the end,
 * also when tagging failed after the lookup.
 *
 * @throws {ImageNotFoundError} when `name` resolves to no image (no event).
 * @throws {TagError} when `newName` starts with `sha256:` or carries a digest
 * ("tag by digest not supported").
 * @throws {InvalidReferenceError} when `newName` does not parse.
 * @example
 * ```ts ignore
 * await tag(ctx, "alpine", "myalpine:v1"); // adds localhost/myalpine:v1
 * ```
 */
export async function tag(
  ctx: RuntimeContext,
  name: string,
  newName: string,
): Promise<ImageRecord> {
  const { image } = await ctx.lookup(name);
  return await withEvent(ctx, "tag", image.id, () => newName, async () => {
    if (newName.startsWith("sha256:")) {
      throw new TagError("tag", newName, "tag by digest not supported");
    }
    const ref = normalizeName(newName);
    if (ref.digest !== undefined) {
      throw new TagError("tag", newName, "tag by digest not supported");
    }
    return await ctx.store.changeNames(image.id, { add: [ref.toString()] });
  });
}

/**
 * Removes the name `oldName` (normalized) from the image `name` resolves to. An `untag`
 * event (with the normalized name) is written at the end, also on failure.
 *
 * @throws {ImageNotFoundError} when `name` resolves to no image (no event).
 * @throws {TagError} when `oldName` starts with `sha256:`, or the image does not have
 * that name ("tag not known").
 * @throws {ImageConflictError} when the image is read-only.
 * @example
 * ```ts ignore
 * await untag(ctx, "alpine", "myalpine:v1");
 * ```
 */
export async function untag(
  ctx: RuntimeContext,
  name: string,
  oldName: string,
): Promise<ImageRecord> {
  const { image } = await ctx.lookup(name);
  let eventName = oldName;
  return await withEvent(ctx, "untag", image.id, () => eventName, async () => {
    if (oldName.startsWith("sha256:")) {
      throw new TagError("untag", oldName, "untag by digest not supported");
    }
    const full = normalizeName(oldName).toString();
    eventName = full;
    if (!image.names.includes(full)) throw new TagError("untag", full, "tag not known", 404);
    if (image.readOnly) throw new ImageConflictError("untag image", image.id, "image is read-only");
    return await ctx.store.changeNames(image.id, { remove: [full] });
  });
}
