/**
 * The dashboard's server side at scale: a board folded from a run of `rounds` rounds (half kept), with
 * `reviews` reviewers' decisions on the kept samples, then what a live page makes it do, timed. Figures:
 * fold ms per event; ms per snapshot (what the update stream pushes, charts' series and agreement included,
 * agreement worked out afresh and then from its cache); ms per filtered list (status + level, and a two-word
 * search over every round's text, first cold, then warm). The page asks for a snapshot at most every flush
 * (250 ms) and for a filtered list when the run moves on, so each figure reads against that budget.
 *
 *   node bin/run-ts.mjs bench/dashboard-board.ts [--rounds 10000] [--reviews 200] [--repeats 20]
 */
import { performance } from "node:perf_hooks";
import { RunBoard } from "../dashboard/run-board.ts";
import type { RunEvent } from "../protocol/messages.ts";
import { ReviewRecorded } from "../protocol/messages.ts";
import { recorded, roundEvents, runStarted } from "../test/dashboard/crafted-events.ts";
import { flags, isMain, printJson } from "./support/cli.ts";
import { median } from "./support/rates.ts";

export interface BoardBenchOptions {
  rounds: number;
  reviews: number;
  repeats: number;
}

const RUN = "run-bench";
/** The budget each figure is read against: the update stream's flush interval. */
export const FLUSH_MS = 250;

function runEvents(rounds: number): RunEvent[] {
  const events: RunEvent[] = [runStarted({ runId: RUN, target: rounds })];
  for (let seq = 1; seq <= rounds; seq++)
    events.push(
      ...roundEvents({
        runId: RUN,
        seq,
        closesAt: seq * 1000,
        questionText: `Round ${seq}: a cistern fills at ${seq % 17} litres a minute; how long for ${seq} litres?`,
        end:
          seq % 2 === 0
            ? {
                kind: "accepted",
                outcome: seq % 4 === 0 ? "defended" : "attack_succeeded",
                level: seq % 3 === 0 ? "L5" : "L4",
              }
            : { kind: "rejected", outcome: "defended", level: "L2", reasonCode: "quality_band" },
      }),
    );
  return events;
}

function review(i: number): ReviewRecorded {
  const roundId = `r${String(2 * (i + 1)).padStart(6, "0")}`;
  const kinds = [
    { action: "approve" as const, assessment: { valid: true, level: "L4" as const } },
    { action: "reject" as const, reason: "wrong_answer" as const },
    { action: "assess" as const, assessment: { valid: true, level: "L5" as const } },
  ];
  return ReviewRecorded.parse({
    type: "review.recorded.v1",
    runId: RUN,
    at: new Date().toISOString(),
    producer: "bench",
    reviewId: `rv-${i}`,
    roundId,
    reviewer: ["ada", "grace", "linus"][i % 3],
    basedOn: 0,
    ...kinds[i % kinds.length],
  });
}

function timed(repeats: number, work: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  return median(times);
}

export function benchBoard(options: BoardBenchOptions) {
  const events = recorded([
    ...runEvents(options.rounds),
    ...Array.from({ length: options.reviews }, (_, i) => review(i)),
  ]);
  const board = new RunBoard();
  const foldStart = performance.now();
  for (const event of events) board.applyEvent(RUN, event);
  const foldMs = performance.now() - foldStart;
  const firstSnapshotMs = timed(1, () => board.snapshot(RUN));
  const snapshotMs = timed(options.repeats, () => board.snapshot(RUN));
  const page = { offset: 0, limit: 200 };
  const filterMs = timed(options.repeats, () =>
    board.queryRounds(RUN, { ...page, status: "accepted", level: "L4" }),
  );
  const coldSearchMs = timed(1, () => board.queryRounds(RUN, { ...page, q: "cistern litres" }));
  const searchMs = timed(options.repeats, () => board.queryRounds(RUN, { ...page, q: "cistern litres" }));
  const snapshotBytes = JSON.stringify(board.snapshot(RUN)).length;
  return {
    ...options,
    events: events.length,
    foldMsPerEvent: foldMs / events.length,
    firstSnapshotMs,
    snapshotMs,
    snapshotBytes,
    filterMs,
    coldSearchMs,
    searchMs,
    shareOfFlush: {
      snapshot: snapshotMs / FLUSH_MS,
      filter: filterMs / FLUSH_MS,
      search: searchMs / FLUSH_MS,
    },
  };
}

if (isMain(import.meta.url)) {
  const options = flags({ rounds: 10_000, reviews: 200, repeats: 20 });
  for (const rounds of [1_000, options.rounds])
    printJson({ bench: "dashboard-board", ...benchBoard({ ...options, rounds }) });
}
