import { describe, expect, test } from "vitest";
import { MemoryQuestionStore } from "../../curation/memory-question-store.ts";
import { NoveltyGate } from "../../curation/novelty.ts";
import { BagOfWordsEmbedder } from "./support/bag-of-words.ts";
import { questionMeta as meta } from "./support/samples.ts";

const A = "a farmer has twelve cows and buys five more how many cows now";
const A_REWORDED = "a farmer has twelve cows and then buys five more so how many cows now";
const B = "find the area of a circle whose radius is seven centimetres";

function gate(options: { now?: () => number; reservationTtlMs?: number; screenReplays?: boolean } = {}) {
  const embedder = new BagOfWordsEmbedder(256);
  const store = new MemoryQuestionStore(embedder.dims);
  return { embedder, store, gate: new NoveltyGate({ embedder, store, threshold: 0.88, ...options }) };
}

describe("NoveltyGate", () => {
  test("passes a first question, then rejects its rewording once it is stored", async () => {
    const { gate: novelty } = gate();
    const first = await novelty.screen("r1", A);
    expect(first.novel).toBe(true);
    expect(first.report).toEqual({ maxSimilarity: 0, source: "none" });
    await novelty.commit("r1", meta("s1", A));
    // Kept, it stays in the book until its close is heard from the stream (every replica's store then has it).
    expect(await novelty.reserved()).toBe(1);
    await novelty.roundClosed("r1");

    const again = await novelty.screen("r2", A_REWORDED);
    expect(again.novel).toBe(false);
    expect(again.report).toMatchObject({ source: "store", nearestId: "s1", nearestText: A });
    expect(again.report.maxSimilarity).toBeGreaterThanOrEqual(0.88);
    expect(again.reason).toMatch(/^duplicate: 0\.\d{3} similar to stored question s1/);
    expect((await novelty.screen("r3", B)).novel).toBe(true);
    // The next write clears the closed round from the book.
    expect(await novelty.reserved()).toBe(1);
  });

  test("of two rounds proposing the same question at once, exactly one passes", async () => {
    const { gate: novelty } = gate();
    const screens = await Promise.all(["r1", "r2", "r3"].map((round) => novelty.screen(round, A)));
    expect(screens.filter((s) => s.novel)).toHaveLength(1);
    const blocked = screens.filter((s) => !s.novel);
    expect(blocked.map((s) => s.report.source)).toEqual(["in_flight", "in_flight"]);
    expect(await novelty.reserved()).toBe(1);
  });

  test("a released question may be proposed again", async () => {
    const { gate: novelty } = gate();
    await novelty.screen("r1", A);
    expect((await novelty.screen("r2", A)).novel).toBe(false);
    await novelty.release("r1");
    expect((await novelty.screen("r2", A)).novel).toBe(true);
  });

  test("a question played and rejected for itself blocks its replays, when the gate screens replays", async () => {
    const { gate: novelty } = gate({ screenReplays: true });
    await novelty.screen("r1", A);
    await novelty.release("r1", { played: true });
    const replay = await novelty.screen("r2", A_REWORDED);
    expect(replay.novel).toBe(false);
    expect(replay.report).toMatchObject({ source: "played", nearestId: "r1", nearestText: A });
    expect(replay.reason).toMatch(/already played and rejected in round r1/);
    expect((await novelty.screen("r3", B)).novel).toBe(true);

    const { gate: lenient } = gate({ screenReplays: false });
    await lenient.screen("r1", A);
    await lenient.release("r1", { played: true });
    expect((await lenient.screen("r2", A)).novel).toBe(true);
  });

  test("the final check of a reserved question costs no embedding and no search", async () => {
    const { gate: novelty, embedder } = gate();
    const early = await novelty.screen("r1", A);
    const final = await novelty.screen("r1", A);
    expect(final).toEqual(early);
    expect(embedder.calls).toHaveLength(1);
  });

  test("commit without a reservation (after a restart) embeds and stores the question", async () => {
    const { gate: novelty, store } = gate();
    await novelty.commit("r9", meta("s9", B));
    expect(await store.count()).toBe(1);
    expect((await novelty.screen("r10", B)).report).toMatchObject({ source: "store", nearestId: "s9" });
  });

  test("a reservation left by a round that died unseen expires", async () => {
    let now = 0;
    const { gate: novelty } = gate({ now: () => now, reservationTtlMs: 1_000 });
    await novelty.screen("r1", A);
    now = 999;
    expect((await novelty.screen("r2", A)).novel).toBe(false);
    now = 1_001;
    expect((await novelty.screen("r2", A)).novel).toBe(true);
  });
});
