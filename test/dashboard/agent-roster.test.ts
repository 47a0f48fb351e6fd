import { describe, expect, it } from "vitest";
import {
  type AgentRoster,
  ALIVE_WITHIN_MS,
  agentGroups,
  recordHeartbeat,
} from "../../dashboard/agent-roster.ts";
import type { Heartbeat } from "../../protocol/messages.ts";

function beat(agentType: string, instance: string, overrides: Partial<Heartbeat> = {}): Heartbeat {
  return {
    type: "agent.heartbeat.v1",
    runId: "run-a",
    at: "2000-01-01T00:00:00.000Z",
    producer: instance,
    agentType,
    instance,
    host: "host-1",
    pid: 42,
    inFlight: 2,
    handled: 10,
    status: "running",
    ...overrides,
  };
}

describe("the agent roster", () => {
  it("groups replicas by type and counts work in flight on live ones only", () => {
    let roster: AgentRoster = new Map();
    roster = recordHeartbeat(roster, beat("judge", "judge-1"), 0);
    roster = recordHeartbeat(roster, beat("judge", "judge-2", { inFlight: 3 }), 5_000);
    roster = recordHeartbeat(roster, beat("attacker", "attacker-1", { inFlight: 1 }), 5_000);
    const groups = agentGroups(roster, ALIVE_WITHIN_MS + 1);
    expect(groups.map((g) => g.agentType)).toEqual(["attacker", "judge"]);
    const judge = groups[1];
    expect(judge).toMatchObject({ alive: 1, inFlight: 3, handled: 20 });
    expect(judge?.instances.map((i) => [i.instance, i.alive])).toEqual([
      ["judge-1", false],
      ["judge-2", true],
    ]);
  });

  it("keeps only the latest heartbeat of an instance, and a stopped agent is not alive", () => {
    let roster: AgentRoster = recordHeartbeat(new Map(), beat("curator", "curator-1"), 0);
    roster = recordHeartbeat(
      roster,
      beat("curator", "curator-1", { status: "stopped", inFlight: 0, handled: 12 }),
      100,
    );
    const [curator] = agentGroups(roster, 200);
    expect(curator?.instances).toHaveLength(1);
    expect(curator).toMatchObject({ alive: 0, handled: 12 });
    expect(curator?.instances[0]).toMatchObject({ status: "stopped", lastSeenMs: 100 });
  });

  it("uses the dashboard's clock, not the agent's", () => {
    const roster = recordHeartbeat(
      new Map(),
      beat("defender", "defender-1", { at: "1999-01-01T00:00:00.000Z" }),
      1_000,
    );
    expect(agentGroups(roster, 1_500)[0]?.alive).toBe(1);
  });
});
