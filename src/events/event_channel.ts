/**
 * A bounded event channel with libimage's delivery rules: a buffer of 100 events; a write
 * waits at most 2 seconds for room and is then dropped with a warning; nothing is kept
 * unless someone subscribed.
 *
 * @module
 */
import type { ImageEvent } from "./event.ts";

/** How many events wait for a reader before writers block. */
export const EVENT_BUFFER_SIZE = 100;
/** How long a write waits for room before the event is dropped, in milliseconds. */
export const EVENT_WRITE_TIMEOUT_MS = 2000;

/** Options of {@linkcode EventChannel}. */
export interface EventChannelOptions {
  /** Buffer size. @default 100 */
  bufferSize?: number;
  /** How long a write may wait, in ms. @default 2000 */
  writeTimeoutMs?: number;
  /** Receives the warning when an event is dropped. @default console.warn */
  warn?: (message: string) => void;
}

interface Waiter {
  resolve: () => void;
}

/** Carries image events from the runtime to one or more subscribers. */
export class EventChannel {
  #subscribers = new Set<Subscriber>();
  #bufferSize: number;
  #writeTimeoutMs: number;
  #warn: (message: string) => void;

  /** Builds a channel. */
  constructor(options: EventChannelOptions = {}) {
    this.#bufferSize = options.bufferSize ?? EVENT_BUFFER_SIZE;
    this.#writeTimeoutMs = options.writeTimeoutMs ?? EVENT_WRITE_TIMEOUT_MS;
    this.#warn = options.warn ?? ((message) => console.warn(message));
  }

  /** Tells whether anybody listens; without listeners, writes are free. */
  get active(): boolean {
    return this.#subscribers.size > 0;
  }

  /**
   * Delivers `event` to every subscriber, waiting up to the write timeout for room in a
   * full buffer; an event that still does not fit is dropped with a warning.
   */
  async write(event: ImageEvent): Promise<void> {
    await Promise.all([...this.#subscribers].map((subscriber) => subscriber.push(event)));
  }

  /**
   * Subscribes: the returned iterable yields every event written from now on, until its
   * iterator is returned (e.g. `break` in `for await`) or `signal` aborts.
   */
  subscribe(signal?: AbortSignal): AsyncIterableIterator<ImageEvent> {
    const subscriber = new Subscriber(
      this.#bufferSize,
      this.#writeTimeoutMs,
      this.#warn,
      () => this.#subscribers.delete(subscriber),
    );
    this.#subscribers.add(subscriber);
    if (signal) {
      if (signal.aborted) subscriber.close();
      else signal.addEventListener("abort", () => subscriber.close(), { once: true });
    }
    return subscriber;
  }
}

class Subscriber implements AsyncIterableIterator<ImageEvent> {
  #buffer: ImageEvent[] = [];
  #readers: ((result: IteratorResult<ImageEvent>) => void)[] = [];
  #writers: Waiter[] = [];
  #closed = false;

  constructor(
    private readonly size: number,
    private readonly timeoutMs: number,
    private readonly warn: (message: string) => void,
    private readonly onClose: () => void,
  ) {}

  async push(event: ImageEvent): Promise<void> {
    if (this.#closed) return;
    const reader = this.#readers.shift();
    if (reader) {
      reader({ value: event, done: false });
      return;
    }
    if (this.#buffer.length < this.size) {
      this.#buffer.push(event);
      return;
    }
    const gotRoom = await new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        this.#writers = this.#writers.filter((w) => w !== waiter);
        resolve(false);
      }, this.timeoutMs);
      this.#writers.push(waiter);
    });
    if (gotRoom && !this.#closed) {
      const waiting = this.#readers.shift();
      if (waiting) waiting({ value: event, done: false });
      else this.#buffer.push(event);
    } else if (!gotRoom) {
      this.warn(
        `Discarding stevedore event which was not read within ${this.timeoutMs / 1000} seconds`,
      );
    }
  }

  next(): Promise<IteratorResult<ImageEvent>> {
    const event = this.#buffer.shift();
    if (event) {
      this.#writers.shift()?.resolve();
      return Promise.resolve({ value: event, done: false });
    }
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.#readers.push(resolve));
  }

  return(): Promise<IteratorResult<ImageEvent>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onClose();
    for (const reader of this.#readers.splice(0)) reader({ value: undefined, done: true });
    for (const writer of this.#writers.splice(0)) writer.resolve();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ImageEvent> {
    return this;
  }
}
