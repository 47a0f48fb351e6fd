import { readFile, writeFile } from "node:fs/promises";
import { parse, stringify } from "yaml";
import { z } from "zod";
import { Bus } from "../../bus/bus.ts";
import { readRunEvents } from "../../bus/run-events.ts";
import { silentLogger } from "../../log/logger.ts";
import type { RoundClosed } from "../../protocol/messages.ts";
import { type TestTopologyOptions, writeTestTopology } from "../support/run-topology.ts";

export interface Player {
  id: string;
  /** The simulated model's chance of getting each reasoning hop right. */
  skill: number;
}

const JUDGE = { id: "judge", skill: 0.97 };
const WrittenTopology = z.record(z.string(), z.unknown());

/**
 * A simulator-backed test topology (see writeTestTopology) whose tournament is played by `players`, each a
 * simulated model of known skill, with a strong separate judge. Curation keeps every judged item, so the run
 * goes on to `run.maxRounds`.
 */
export async function writePlayersTopology(
  players: Player[],
  tournament: Record<string, unknown>,
  options: TestTopologyOptions = {},
): Promise<{ file: string; dir: string }> {
  const everyone = [...players, JUDGE];
  const written = await writeTestTopology({
    ...options,
    simulator: { models: everyone.map((p) => ({ name: `sim-${p.id}`, skill: p.skill })) },
    curation: { target: 10_000, noveltyThreshold: 1, ...options.curation },
  });
  const topology = WrittenTopology.parse(parse(await readFile(written.file, "utf8")));
  topology.models = everyone.map((p) => ({
    id: p.id,
    baseUrl: "${NANOFLUX_SIM_URL}",
    model: `sim-${p.id}`,
    maxConcurrency: 8,
  }));
  topology.tournament = { models: players.map((p) => p.id), ...tournament };
  await writeFile(written.file, stringify(topology));
  return written;
}

/** The rounds a run closed, in the order they were opened, read from its stream. */
export async function closedRounds(natsUrl: string, runId: string): Promise<RoundClosed[]> {
  const bus = await Bus.open({ servers: natsUrl, name: "test-reader", logger: silentLogger() });
  try {
    return (await readRunEvents(bus.js, runId))
      .flatMap(({ event }) => (event.type === "round.closed.v1" ? [event] : []))
      .sort((a, b) => a.spec.seq - b.spec.seq);
  } finally {
    await bus.close();
  }
}
