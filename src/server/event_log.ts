/**
 * A bounded log of the runtime's image events, so that `/events?since=...` can replay the
 * recent past and follow new events live.
 *
 * @module
 */
import type { ImageEvent, ImageEventType } from "../events/mod.ts";
import type { Runtime } from "../runtime/mod.ts";
import { runtimeParts } from "../runtime/mod.ts";

/** How many events the log keeps. */
export const EVENT_LOG_SIZE = 1000;

/** The kinds of events the server reports: the runtime's, and `import`, which dockerd sends. */
export type ServerEventType = ImageEventType | "import";

/** An event as the server reports it. */
export interface ServerEvent extends Omit<ImageEvent, "type"> {
  /** What happened. */
  type: ServerEventType;
}

/**
 * The recent image events of a runtime, and a way to wait for new ones. A `load` or `save`
 * event names a path or `-` (a stream); dockerd names the image instead, so the log does.
 * A push names its destination without the `docker://` transport.
 */
export class EventLog {
  readonly #events: ServerEvent[] = [];
  readonly #waiters = new Set<() => void>();
  readonly #abort = new AbortController();
  readonly #saveNames = new Map<string, string>();
  #dropped = 0;

  /** Starts recording the events of `runtime`. */
  constructor(runtime: Runtime) {
    const iterator = runtime.events(this.#abort.signal);
    (async () => {
      for await (const event of iterator) this.add(await this.#named(runtime, event));
    })().catch(() => {});
  }

  /** Records an event and wakes the followers. */
  add(event: ServerEvent): void {
    this.#events.push(event);
    if (this.#events.length > EVENT_LOG_SIZE) {
      this.#events.shift();
      this.#dropped++;
    }
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }

  /**
   * Names the coming `save` event of image `id` after `name` (what the client asked for),
   * whatever happens to the image before the event is read.
   */
  nameSave(id: string, name: string): void {
    this.#saveNames.set(id, name);
  }

  /** The recorded events, oldest first. */
  get events(): readonly ServerEvent[] {
    return this.#events;
  }

  /**
   * The events with `time >= since` (milliseconds), replayed then followed until
   * `until` (milliseconds) has passed or `signal` aborts.
   */
  async *follow(since: number, until: number, signal: AbortSignal): AsyncGenerator<ServerEvent> {
    let next = this.#dropped;
    while (!signal.aborted) {
      next = Math.max(next, this.#dropped);
      while (next - this.#dropped < this.#events.length) {
        const event = this.#events[next++ - this.#dropped];
        const time = event.time.getTime();
        if (time > until) return;
        if (time >= since) yield event;
      }
      if (Date.now() > until) return;
      const waiters = this.#waiters;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.max(0, Math.min(until - Date.now() + 1, 1000)));
        function done() {
          clearTimeout(timer);
          waiters.delete(done);
          signal.removeEventListener("abort", done);
          resolve();
        }
        waiters.add(done);
        signal.addEventListener("abort", done);
      });
    }
  }

  /**
   * `event` named as dockerd names it: a push by its registry reference (no `docker://`), a
   * save by the name it was asked for, a load (or an unannounced save) by its image's first
   * name rather than its path or `-`.
   */
  async #named(runtime: Runtime, event: ImageEvent): Promise<ServerEvent> {
    if (event.type === "push") return { ...event, name: event.name.replace(/^docker:\/\//, "") };
    if (event.type !== "load" && event.type !== "save") return event;
    const announced = event.type === "save" ? this.#saveNames.get(event.id) : undefined;
    if (announced !== undefined) {
      this.#saveNames.delete(event.id);
      return { ...event, name: announced };
    }
    try {
      const record = event.id === ""
        ? undefined
        : await runtimeParts(runtime).store.imageById(event.id);
      return { ...event, name: record?.names[0] ?? "" };
    } catch {
      // The log must keep following: an unreadable store leaves the event unnamed.
      return { ...event, name: "" };
    }
  }

  /** Stops recording. */
  close(): void {
    this.#abort.abort();
  }
}
