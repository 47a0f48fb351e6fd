import { describe, expect, it } from "vitest";
import { EventChannel } from "../../api/event-channel.ts";

async function drain<T>(channel: AsyncIterable<T>): Promise<T[]> {
  const seen: T[] = [];
  for await (const value of channel) seen.push(value);
  return seen;
}

describe("the channel behind a run's events", () => {
  it("hands over what was pushed before and while reading, in order, then ends", async () => {
    const channel = new EventChannel<number>();
    channel.push(1);
    channel.push(2);
    const read = drain(channel);
    channel.push(3);
    channel.end();
    channel.push(4);
    expect(await read).toEqual([1, 2, 3]);
  });

  it("gives the buffered values first, then the producer's error once", async () => {
    const channel = new EventChannel<string>();
    channel.push("a");
    channel.end({ error: new Error("nats gone") });
    await expect(channel.next()).resolves.toEqual({ value: "a", done: false });
    await expect(channel.next()).rejects.toThrow("nats gone");
    await expect(channel.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it("fails a reader already waiting when the producer fails", async () => {
    const channel = new EventChannel<string>();
    const waiting = channel.next();
    channel.end({ error: new Error("bad topology") });
    await expect(waiting).rejects.toThrow("bad topology");
  });

  it("drops the rest when the reader leaves early", async () => {
    const channel = new EventChannel<number>();
    for (const n of [1, 2, 3]) channel.push(n);
    for await (const n of channel) if (n === 1) break;
    channel.push(4);
    await expect(channel.next()).resolves.toEqual({ value: undefined, done: true });
  });
});
