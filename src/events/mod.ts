/**
 * Image events: the {@linkcode ImageEvent} record and the {@linkcode EventChannel} that
 * delivers events after each operation with a 100-event buffer and a 2-second write
 * timeout.
 *
 * @example
 * ```ts
 * import { EventChannel } from "./mod.ts";
 * const channel = new EventChannel();
 * const events = channel.subscribe();
 * await channel.write({ type: "tag", id: "abc", name: "app:v1", time: new Date() });
 * console.log((await events.next()).value?.type); // "tag"
 * ```
 *
 * @module
 */
export type { ImageEvent, ImageEventType } from "./event.ts";
export {
  EVENT_BUFFER_SIZE,
  EVENT_WRITE_TIMEOUT_MS,
  EventChannel,
  type EventChannelOptions,
} from "./event_channel.ts";
