import type { RoundClosed, RunCompleted } from "../bus/messages.ts";
import type { CurationConfig, ModelConfig } from "../config/topology.ts";
import type { Sample, TokenUsage } from "../core/schemas.ts";
import type { DecontaminationReport } from "../curation/decontamination.ts";
import { type StandingsRow, standings } from "../tournament/ratings.ts";
import { outcomeOfRound, type RoundOutcome } from "../tournament/round-outcome.ts";

/** Tokens and money for one model in one role. */
export interface UsageRow {
  model: string;
  role: string;
  calls: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number | undefined;
}

/** One round in the cost ledger. */
export interface RoundLedgerRow {
  roundId: string;
  attacker: string;
  defender: string;
  status: RoundClosed["status"];
  reasonCode: string | undefined;
  tokens: number;
  costUsd: number | undefined;
}

export interface RunReport {
  runId: string;
  status: RunCompleted["status"] | "running" | "interrupted";
  reason: string;
  target: number;
  rounds: number;
  accepted: number;
  rejected: number;
  failed: number;
  byReason: Record<string, number>;
  byOutcome: Record<string, number>;
  acceptedByLevel: Record<string, number>;
  acceptedByComplexity: Record<string, number>;
  acceptedBySkill: Record<string, number>;
  acceptedByDomain: Record<string, number>;
  judgedByLevel: Record<string, number>;
  usage: UsageRow[];
  standings: StandingsRow[];
  roundLedger: RoundLedgerRow[];
  totalTokens: number;
  totalCostUsd: number | undefined;
  noveltyThreshold: number;
  levels: string[];
  decontamination?: DecontaminationReport;
}

function bump(counts: Record<string, number>, key: string | number | undefined): void {
  const k = String(key ?? "unknown");
  counts[k] = (counts[k] ?? 0) + 1;
}

function priceOf(models: ModelConfig[], model: string): ModelConfig["price"] {
  return models.find((m) => m.id === model || m.model === model)?.price;
}

export function usageRows(usages: TokenUsage[], models: ModelConfig[]): UsageRow[] {
  const rows = new Map<string, UsageRow>();
  for (const u of usages) {
    const key = `${u.model}\u0000${u.role}`;
    const row = rows.get(key) ?? {
      model: u.model,
      role: u.role,
      calls: 0,
      promptTokens: 0,
      completionTokens: 0,
      costUsd: undefined,
    };
    row.calls += u.calls;
    row.promptTokens += u.promptTokens;
    row.completionTokens += u.completionTokens;
    rows.set(key, row);
  }
  for (const row of rows.values()) {
    const price = models.find((m) => m.id === row.model || m.model === row.model)?.price;
    if (price)
      row.costUsd =
        (row.promptTokens * price.inputPerMTok + row.completionTokens * price.outputPerMTok) / 1e6;
  }
  return [...rows.values()].sort((a, b) => a.model.localeCompare(b.model) || a.role.localeCompare(b.role));
}

export function standingsOf(closed: RoundClosed[]): StandingsRow[] {
  const outcomes = closed.map(outcomeOfRound).filter((o): o is RoundOutcome => o !== undefined);
  return standings(outcomes);
}

/** Builds the run's accounting from its closed rounds: every round is counted once, under exactly one status. */
function ledgerRow(round: RoundClosed, models: ModelConfig[]): RoundLedgerRow {
  let tokens = 0;
  let costUsd: number | undefined;
  for (const u of round.usage) {
    tokens += u.promptTokens + u.completionTokens;
    const price = priceOf(models, u.model);
    if (price)
      costUsd =
        (costUsd ?? 0) +
        (u.promptTokens * price.inputPerMTok + u.completionTokens * price.outputPerMTok) / 1e6;
  }
  const { roundId, attacker, defender } = round.spec;
  return { roundId, attacker, defender, status: round.status, reasonCode: round.reasonCode, tokens, costUsd };
}

export function buildRunReport(
  runId: string,
  curation: Pick<CurationConfig, "target" | "noveltyThreshold" | "levels">,
  closed: RoundClosed[],
  completed: RunCompleted | undefined,
  models: ModelConfig[],
): RunReport {
  const report: RunReport = {
    runId,
    status: completed?.status ?? "running",
    reason: completed?.reason ?? "in progress",
    target: curation.target,
    rounds: closed.length,
    accepted: 0,
    rejected: 0,
    failed: 0,
    byReason: {},
    byOutcome: {},
    acceptedByLevel: {},
    acceptedByComplexity: {},
    acceptedBySkill: {},
    acceptedByDomain: {},
    judgedByLevel: {},
    usage: usageRows(
      closed.flatMap((c) => c.usage),
      models,
    ),
    standings: standingsOf(closed),
    roundLedger: [...closed].sort((a, b) => a.spec.seq - b.spec.seq).map((round) => ledgerRow(round, models)),
    totalTokens: 0,
    totalCostUsd: undefined,
    noveltyThreshold: curation.noveltyThreshold,
    levels: curation.levels,
  };
  for (const round of closed) {
    report[round.status] += 1;
    if (round.status !== "accepted") bump(report.byReason, round.reasonCode);
    if (round.verdict) {
      bump(report.byOutcome, round.verdict.outcome);
      if (round.verdict.valid) bump(report.judgedByLevel, round.verdict.level);
    }
    if (round.status === "accepted" && round.sample) {
      bump(report.acceptedByLevel, round.sample.verdict.level);
      bump(report.acceptedByComplexity, round.sample.complexity);
      bump(report.acceptedBySkill, round.sample.skill);
      bump(report.acceptedByDomain, round.sample.domain);
    }
  }
  report.totalTokens = report.usage.reduce((n, u) => n + u.promptTokens + u.completionTokens, 0);
  const costs = report.usage.map((u) => u.costUsd).filter((c): c is number => c !== undefined);
  report.totalCostUsd = costs.length > 0 ? costs.reduce((a, b) => a + b, 0) : undefined;
  return report;
}

export function acceptedSamples(closed: RoundClosed[]): Sample[] {
  const seen = new Set<string>();
  const samples: Sample[] = [];
  for (const round of closed) {
    if (round.status !== "accepted" || !round.sample || seen.has(round.spec.roundId)) continue;
    seen.add(round.spec.roundId);
    samples.push(round.sample);
  }
  return samples.sort(
    (a, b) => a.acceptedAt.localeCompare(b.acceptedAt) || a.roundId.localeCompare(b.roundId),
  );
}
