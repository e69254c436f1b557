import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  EVENT_BUFFER_SIZE,
  EVENT_WRITE_TIMEOUT_MS,
  EventChannel,
  type ImageEvent,
} from "../../src/events/mod.ts";

const event = (n: number): ImageEvent => ({
  type: "tag",
  id: `id${n}`,
  name: `n${n}`,
  time: new Date(0),
});

describe("EventChannel", () => {
  it("has libimage's defaults: a buffer of 100 and a 2 s write timeout", () => {
    assert.equal(EVENT_BUFFER_SIZE, 100);
    assert.equal(EVENT_WRITE_TIMEOUT_MS, 2000);
  });

  it("keeps nothing without subscribers", async () => {
    const channel = new EventChannel();
    assert.equal(channel.active, false);
    await channel.write(event(1));
    const events = channel.subscribe();
    assert.equal(channel.active, true);
    await channel.write(event(2));
    assert.equal((await events.next()).value?.id, "id2");
    await events.return!();
  });

  it("buffers 100 events without blocking and delivers them in order", async () => {
    const channel = new EventChannel({ writeTimeoutMs: 10_000 });
    const events = channel.subscribe();
    for (let i = 0; i < 100; i++) await channel.write(event(i));
    for (let i = 0; i < 100; i++) assert.equal((await events.next()).value?.id, `id${i}`);
    await events.return!();
  });

  it("drops an event that finds no room within the timeout, with a warning", async () => {
    const warnings: string[] = [];
    const channel = new EventChannel({
      bufferSize: 2,
      writeTimeoutMs: 20,
      warn: (m) => warnings.push(m),
    });
    const events = channel.subscribe();
    await channel.write(event(1));
    await channel.write(event(2));
    await channel.write(event(3)); // waits 20 ms, then is dropped
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /Discarding .* event which was not read within/);
    assert.equal((await events.next()).value?.id, "id1");
    assert.equal((await events.next()).value?.id, "id2");
    await channel.write(event(4));
    assert.equal((await events.next()).value?.id, "id4");
    await events.return!();
  });

  it("lets a blocked write through when a reader makes room in time", async () => {
    const warnings: string[] = [];
    const channel = new EventChannel({
      bufferSize: 1,
      writeTimeoutMs: 60_000, // a hang guard: the reader makes room at once
      warn: (m) => warnings.push(m),
    });
    const events = channel.subscribe();
    await channel.write(event(1));
    const blocked = channel.write(event(2));
    assert.equal((await events.next()).value?.id, "id1");
    await blocked;
    assert.equal((await events.next()).value?.id, "id2");
    assert.deepEqual(warnings, []);
    await events.return!();
  });

  it("ends a subscription on return or abort and stops delivering to it", async () => {
    const channel = new EventChannel();
    const events = channel.subscribe();
    const pending = events.next();
    await events.return!();
    assert.equal((await pending).done, true);
    assert.equal(channel.active, false);
    await channel.write(event(1));
    assert.equal((await events.next()).done, true);

    const controller = new AbortController();
    const aborted = channel.subscribe(controller.signal);
    controller.abort();
    assert.equal((await aborted.next()).done, true);
    assert.equal(channel.active, false);
    const pre = new AbortController();
    pre.abort();
    assert.equal((await channel.subscribe(pre.signal).next()).done, true);
  });

  it("delivers every event to every subscriber, also via for await", async () => {
    const channel = new EventChannel();
    const a = channel.subscribe();
    const b = channel.subscribe();
    await channel.write(event(1));
    await channel.write(event(2));
    const seen: string[] = [];
    for await (const e of a) {
      seen.push(e.id);
      if (seen.length === 2) break;
    }
    assert.deepEqual(seen, ["id1", "id2"]);
    assert.equal((await b.next()).value?.id, "id1");
    assert.equal(channel.active, true);
    await b.return!();
    assert.equal(channel.active, false);
  });
});
