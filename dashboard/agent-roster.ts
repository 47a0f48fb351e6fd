import { HEARTBEAT_INTERVAL_MS, type Heartbeat } from "../protocol/messages.ts";
import type { AgentGroup, AgentInstance } from "./wire.ts";

/** An agent counts as alive while its heartbeats keep coming: three intervals allow two lost beats. */
export const ALIVE_WITHIN_MS = 3 * HEARTBEAT_INTERVAL_MS;

export interface SeenHeartbeat {
  readonly beat: Heartbeat;
  /** Dashboard clock, not the agent's: agents on other hosts may have clocks that disagree. */
  readonly receivedAt: number;
}

/** The latest heartbeat of each agent instance of one run. */
export type AgentRoster = ReadonlyMap<string, SeenHeartbeat>;

export function recordHeartbeat(roster: AgentRoster, beat: Heartbeat, receivedAt: number): AgentRoster {
  return new Map(roster).set(beat.instance, { beat, receivedAt });
}

function instanceView({ beat, receivedAt }: SeenHeartbeat, now: number): AgentInstance {
  const lastSeenMs = Math.max(0, now - receivedAt);
  return {
    instance: beat.instance,
    host: beat.host,
    pid: beat.pid,
    status: beat.status,
    inFlight: beat.inFlight,
    handled: beat.handled,
    alive: beat.status !== "stopped" && lastSeenMs <= ALIVE_WITHIN_MS,
    lastSeenMs,
  };
}

/** Agents grouped by type (sorted by name), each with its replicas and the work live ones have in hand. */
export function agentGroups(roster: AgentRoster, now: number): AgentGroup[] {
  const groups = new Map<string, AgentInstance[]>();
  for (const seen of roster.values()) {
    const list = groups.get(seen.beat.agentType) ?? [];
    list.push(instanceView(seen, now));
    groups.set(seen.beat.agentType, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([agentType, instances]) => {
      const live = instances.filter((i) => i.alive);
      return {
        agentType,
        alive: live.length,
        inFlight: live.reduce((n, i) => n + i.inFlight, 0),
        handled: instances.reduce((n, i) => n + i.handled, 0),
        instances: instances.sort((a, b) => a.instance.localeCompare(b.instance)),
      };
    });
}
