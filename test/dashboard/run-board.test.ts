import { describe, expect, it } from "vitest";
import { RunBoard } from "../../dashboard/run-board.ts";
import type { RunEvent } from "../../protocol/messages.ts";
import { recorded, roundEvents, runStarted, T0 } from "./crafted-events.ts";

function feed(board: RunBoard, events: readonly RunEvent[]): void {
  for (const event of recorded(events)) board.applyEvent(event.event.runId, event);
}

describe("the run board", () => {
  it("lists runs newest first, with runs that have no event yet on top", () => {
    const board = new RunBoard(() => T0);
    feed(board, [runStarted({ runId: "run-new", t0: T0 + 1000 })]);
    feed(board, [runStarted({ runId: "run-old", t0: T0 })]);
    board.track("run-named");
    expect(board.list().map((run) => run.runId)).toEqual(["run-named", "run-new", "run-old"]);
  });

  it("tells listeners which run changed, until they unsubscribe", () => {
    const board = new RunBoard(() => T0);
    const changed: string[] = [];
    const unsubscribe = board.onChange((runId) => changed.push(runId));
    feed(board, roundEvents({ runId: "run-a", seq: 1, end: { kind: "duplicate" } }));
    unsubscribe();
    feed(board, roundEvents({ runId: "run-a", seq: 2, end: { kind: "duplicate" } }));
    // Opened, the attacker's billed call, proposed, closed: one change each.
    expect(changed).toEqual(["run-a", "run-a", "run-a", "run-a"]);
    expect(board.snapshot("run-a")?.roundCount).toBe(2);
    expect(board.round("run-a", "r000002")?.decision?.reasonCode).toBe("duplicate");
    expect(board.snapshot("run-missing")).toBeUndefined();
  });
});
