import type { Bus } from "../bus/bus.ts";
import { tailRunStage } from "../bus/event-tail.ts";
import { KvDocument } from "../bus/kv-document.ts";
import { readRunEvents } from "../bus/run-events.ts";
import { runStartedEvent } from "../bus/run-lookup.ts";
import { committedSpend } from "../bus/spend-ledger.ts";
import type { Topology } from "../config/topology.ts";
import type { Logger } from "../log/logger.ts";
import type { RunEvents, RunSettings, RunState } from "./definition.ts";
import { redactTopology } from "./redact.ts";

/**
 * The capabilities an agent's context carries, built by the host from its bus and topology: agents see these,
 * never the connection or the whole topology.
 */

/** The part of the topology agents may read: no NATS credentials, no simulator, no other agent's options. */
export function runSettings(topology: Topology): RunSettings {
  return {
    name: topology.name,
    run: topology.run,
    tournament: topology.tournament,
    curation: topology.curation,
    training: topology.training,
    models: topology.models,
    agents: topology.agents.map((a) => ({ type: a.type, ...(a.model ? { model: a.model } : {}) })),
    record: () => redactTopology(topology),
  };
}

/** The run's entries of the state bucket, read and written as JSON. */
export function runState(bus: Bus, runId: string): RunState {
  return {
    read: async (key) => {
      const entry = await bus.state.get(key(runId));
      return entry?.value.length ? entry.json() : undefined;
    },
    write: async (key, value) => {
      await bus.state.put(key(runId), JSON.stringify(value));
    },
    document: (key, schema, empty, what) => new KvDocument(bus.state, key(runId), schema, empty, what),
    spent: () => committedSpend(bus.state, runId),
  };
}

export function runEvents(bus: Bus, runId: string, logger: Logger): RunEvents {
  return {
    read: async () => (await readRunEvents(bus.js, runId)).map((r) => r.event),
    started: () => runStartedEvent(bus.jsm, runId),
    follow: (stage, apply) => tailRunStage({ js: bus.js, jsm: bus.jsm, runId, stage, apply, logger }),
  };
}
