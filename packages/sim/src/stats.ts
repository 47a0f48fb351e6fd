/** What the simulator has served, for load estimates and for tests that check faults really happened. */

export type FaultKind = "rate_limit" | "server_error" | "timeout" | "malformed" | "overloaded";

export interface SimulatorStats {
  requests: number;
  byRoute: Record<string, number>;
  byRole: Record<string, number>;
  byModel: Record<string, number>;
  faults: Record<FaultKind, number>;
  tokens: { prompt: number; completion: number };
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

export class StatsRecorder {
  private readonly stats: SimulatorStats = {
    requests: 0,
    byRoute: {},
    byRole: {},
    byModel: {},
    faults: { rate_limit: 0, server_error: 0, timeout: 0, malformed: 0, overloaded: 0 },
    tokens: { prompt: 0, completion: 0 },
  };

  request(route: string): void {
    this.stats.requests++;
    bump(this.stats.byRoute, route);
  }

  served(model: string, role: string, promptTokens: number, completionTokens: number): void {
    bump(this.stats.byModel, model);
    bump(this.stats.byRole, role);
    this.stats.tokens.prompt += promptTokens;
    this.stats.tokens.completion += completionTokens;
  }

  fault(kind: FaultKind): void {
    this.stats.faults[kind]++;
  }

  /** Model names requests have used. */
  models(): string[] {
    return Object.keys(this.stats.byModel);
  }

  snapshot(): SimulatorStats {
    return structuredClone(this.stats);
  }
}
