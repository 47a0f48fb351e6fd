import { describe, expect, test } from "vitest";
import { MemoryDocument } from "../../core/shared-document.ts";
import { MemoryQuestionStore } from "../../curation/memory-question-store.ts";
import { EMPTY_NOVELTY_BOOK, NoveltyGate } from "../../curation/novelty.ts";
import { BagOfWordsEmbedder } from "./support/bag-of-words.ts";
import { questionMeta as meta } from "./support/samples.ts";

/**
 * Curator replicas on several hosts: one shared novelty book (the KV document, here in memory), one store per
 * replica, and a stand-in for the run's stream of closed rounds that each replica's store follows at its own pace.
 */

const A = "a farmer has twelve cows and buys five more how many cows now";
const A_REWORDED = "a farmer has twelve cows and then buys five more so how many cows now";
const B = "find the area of a circle whose radius is seven centimetres";

/** The run's stream of kept questions: what a replica's store hears, when its tail catches up. */
class ClosedRounds {
  readonly closes: Array<{ roundId: string; sampleId: string; text: string }> = [];

  keep(roundId: string, sampleId: string, text: string): void {
    this.closes.push({ roundId, sampleId, text });
  }
}

function cluster() {
  const book = new MemoryDocument(EMPTY_NOVELTY_BOOK);
  const stream = new ClosedRounds();
  const embedder = new BagOfWordsEmbedder(256);
  const replica = (clock: { now?: () => number; reservationTtlMs?: number } = {}) => {
    const store = new MemoryQuestionStore(embedder.dims);
    let applied = 0;
    /** Applies what the stream holds that this replica has not heard yet (its tail catching up). */
    const catchUp = async () => {
      while (applied < stream.closes.length) {
        const close = stream.closes[applied++] as ClosedRounds["closes"][number];
        const [vector] = await embedder.embed([close.text]);
        await store.add([
          { ...meta(close.sampleId, close.text), roundId: close.roundId, vector: vector as Float32Array },
        ]);
        await gate.roundClosed(close.roundId);
      }
    };
    const gate: NoveltyGate = new NoveltyGate({
      embedder,
      store,
      threshold: 0.88,
      book,
      storeCaughtUp: catchUp,
      ...clock,
    });
    return { gate, store, catchUp };
  };
  return { book, stream, replica };
}

describe("one novelty view for curator replicas on several hosts", () => {
  test("a question in flight at one replica blocks its rewording at another", async () => {
    const { replica } = cluster();
    const east = replica();
    const west = replica();
    expect((await east.gate.screen("r1", A)).novel).toBe(true);
    const rewording = await west.gate.screen("r2", A_REWORDED);
    expect(rewording.novel).toBe(false);
    expect(rewording.report).toMatchObject({ source: "in_flight", nearestId: "r1" });
    expect((await west.gate.screen("r3", B)).novel).toBe(true);
  });

  test("of many replicas screening rewordings at once, exactly one passes", async () => {
    const { replica } = cluster();
    const replicas = [replica(), replica(), replica(), replica()];
    const screens = await Promise.all(
      replicas.map((r, i) => r.gate.screen(`r${i}`, i % 2 === 0 ? A : A_REWORDED)),
    );
    expect(screens.filter((s) => s.novel)).toHaveLength(1);
  });

  test("a kept question stays visible to a replica whose store has not heard of it yet", async () => {
    const { replica } = cluster();
    const east = replica();
    const west = replica();
    await east.gate.screen("r1", A);
    await east.gate.commit("r1", meta("s1", A));
    // The close is not on the stream yet (east has not published it): west's store cannot know it.
    expect(await west.store.count()).toBe(0);
    expect((await west.gate.screen("r2", A_REWORDED)).novel).toBe(false);
  });

  test("once the close is on the stream, the book forgets the question and a lagging store still catches it", async () => {
    const { replica, stream, book } = cluster();
    const east = replica();
    const west = replica();
    await east.gate.screen("r1", A);
    await east.gate.commit("r1", meta("s1", A));
    stream.keep("r1", "s1", A);
    // East hears its close, and its next write clears r1 from the shared book.
    await east.catchUp();
    await east.gate.screen("r9", B);
    expect((await book.read()).entries.map((e) => e.roundId)).toEqual(["r9"]);
    // West has not heard the close yet; its screen waits for its store to catch up before it checks.
    expect(await west.store.count()).toBe(0);
    const rewording = await west.gate.screen("r2", A_REWORDED);
    expect(rewording.novel).toBe(false);
    expect(rewording.report).toMatchObject({ source: "store", nearestId: "s1" });
  });

  test("a replica started later on an empty store sees every kept question", async () => {
    const { replica, stream } = cluster();
    const first = replica();
    await first.gate.screen("r1", A);
    await first.gate.commit("r1", meta("s1", A));
    stream.keep("r1", "s1", A);
    await first.catchUp();
    await first.gate.screen("r2", B);
    const late = replica();
    expect((await late.gate.screen("r3", A_REWORDED)).novel).toBe(false);
    expect(await late.store.count()).toBe(1);
  });

  test("a round redelivered to another replica finds its own reservation and passes", async () => {
    const { replica } = cluster();
    const dead = replica();
    const heir = replica();
    const early = await dead.gate.screen("r1", A);
    expect(early.novel).toBe(true);
    expect((await heir.gate.screen("r1", A)).novel).toBe(true);
    await heir.gate.commit("r1", meta("s1", A));
    expect(await heir.store.count()).toBe(1);
  });

  test("a round whose reservation lapsed cannot keep its question over a near-duplicate reserved since", async () => {
    const { replica } = cluster();
    let now = 0;
    const clock = { now: () => now, reservationTtlMs: 1_000 };
    const slow = replica(clock);
    const quick = replica(clock);
    expect((await slow.gate.screen("r1", A)).novel).toBe(true);
    now = 5_000;
    // r1's reservation lapsed: another replica may now reserve a rewording, and r1's final check is a full one.
    expect((await quick.gate.screen("r2", A_REWORDED)).novel).toBe(true);
    expect((await slow.gate.screen("r1", A)).novel).toBe(false);
    const kept = await slow.gate.commit("r1", meta("s1", A));
    expect(kept.novel).toBe(false);
    expect(kept.reason).toMatch(/in flight in round r2/);
    expect(await slow.store.count()).toBe(0);
    expect((await quick.gate.commit("r2", meta("s2", A_REWORDED))).novel).toBe(true);
  });
});
