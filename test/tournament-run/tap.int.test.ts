import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Bus } from "../../bus/bus.ts";
import { newRunId } from "../../bus/nats-endpoint.ts";
import { prepareTopology } from "../../cli/prepare-topology.ts";
import { silentLogger } from "../../log/logger.ts";
import { RunEvent } from "../../protocol/messages.ts";
import { runSession } from "../../runner/run-session.ts";
import { exited, spawnNanoflux } from "../support/child-agent.ts";
import { startTestNats, waitFor } from "../support/nats.ts";
import { writeTestTopology } from "../support/run-topology.ts";

const TapLine = z.object({ seq: z.number().int(), subject: z.string(), event: RunEvent });
type TapLine = z.infer<typeof TapLine>;

/** A round's stages in the order they happen; a round closed early skips the later ones. */
const ROUND_ORDER = [
  "round.opened.v1",
  "question.proposed.v1",
  "question.screened.v1",
  "answer.submitted.v1",
  "verdict.issued.v1",
  "round.closed.v1",
];

function parseLines(stdout: string): TapLine[] {
  return stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const parsed = TapLine.safeParse(JSON.parse(line));
      expect(parsed.error, line).toBeUndefined();
      return parsed.data as TapLine;
    });
}

function typesByRound(lines: TapLine[]): Map<string, string[]> {
  const rounds = new Map<string, string[]>();
  for (const { event } of lines) {
    if (!("spec" in event)) continue;
    rounds.set(event.spec.roundId, [...(rounds.get(event.spec.roundId) ?? []), event.type]);
  }
  return rounds;
}

describe("nanoflux tap", () => {
  it("follows a live run from another process and sees every round's events in order", async () => {
    const nats = await startTestNats();
    const runId = newRunId();
    let stdout = "";
    const tap = spawnNanoflux(["tap", runId, "--json", "--from-start", "--wait-for-run", "120"], {
      NATS_URL: nats.url,
    });
    tap.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    try {
      // The run's stream must exist before tap subscribes; opening a bus creates it, as the run would.
      await (await Bus.open({ servers: nats.url, name: "test-setup", logger: silentLogger() })).close();
      const { file } = await writeTestTopology({ target: 4, natsUrl: nats.url });
      const prepared = await prepareTopology(file, {}, silentLogger());
      const { report } = await runSession({ prepared, logger: silentLogger(), runId }).finally(() =>
        prepared.simulator?.close(),
      );
      await waitFor(() => stdout.includes('"run.completed.v1"'), 20_000, "tap to print run.completed");

      const lines = parseLines(stdout);
      expect(lines.map((l) => l.seq)).toEqual([...lines.map((l) => l.seq)].sort((a, b) => a - b));
      expect(lines[0]?.event.type).toBe("run.started.v1");
      expect(lines.at(-1)?.event.type).toBe("run.completed.v1");
      const rounds = typesByRound(lines);
      expect(rounds.size).toBe(report.rounds);
      for (const [roundId, types] of rounds) {
        expect(types[0], roundId).toBe("round.opened.v1");
        expect(
          types.filter((t) => t === "round.closed.v1"),
          roundId,
        ).toHaveLength(1);
        expect(types.at(-1), roundId).toBe("round.closed.v1");
        const positions = types.map((t) => ROUND_ORDER.indexOf(t));
        expect(positions, `${roundId}: ${types.join(" > ")}`).toEqual(
          [...new Set(positions)].sort((a, b) => a - b),
        );
      }
      expect([...rounds.values()].some((types) => types.length === ROUND_ORDER.length)).toBe(true);
      // Without --follow, tap stops by itself once the run completes. (A SIGTERM sent here would race that exit:
      // one arriving as the process ends finds Node's handlers gone and kills it, with no exit code.)
      expect(await exited(tap)).toBe(0);
    } finally {
      if (tap.exitCode === null && tap.signalCode === null) tap.kill("SIGTERM");
      await exited(tap);
      await nats.cleanup();
    }
  });
});
