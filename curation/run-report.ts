import type { CurationConfig } from "../config/topology.ts";
import {
  OWN_QUALITY_REASONS,
  type RoundClosed,
  type RunCompleted,
  type UsageRecorded,
} from "../protocol/messages.ts";
import type { RoundLedgerRow, RunReport, StandingsRow, UsageRow } from "../protocol/run-report.ts";
import type { Sample } from "../protocol/schemas.ts";
import { standings } from "../tournament/ratings.ts";
import { outcomeOfRound, type RoundOutcome } from "../tournament/round-outcome.ts";

export type { RoundLedgerRow, RunReport, UsageRow };

function bump(counts: Record<string, number>, key: string | number | undefined): void {
  const k = String(key ?? "unknown");
  counts[k] = (counts[k] ?? 0) + 1;
}

function tokensOf(usage: Pick<UsageRecorded, "promptTokens" | "completionTokens">): number {
  return usage.promptTokens + usage.completionTokens;
}

/**
 * The books by model and role: one row per pair, its calls, tokens and cost. Answers served from the response
 * cache billed nothing: they are counted apart (`cachedCalls`, and the tokens they saved), not as calls.
 */
export function usageRows(records: readonly UsageRecorded[]): UsageRow[] {
  const rows = new Map<string, UsageRow>();
  for (const u of records) {
    const key = `${u.model}\u0000${u.role}`;
    const row = rows.get(key) ?? {
      model: u.model,
      role: u.role,
      calls: 0,
      promptTokens: 0,
      completionTokens: 0,
      costUsd: undefined,
    };
    if (u.cached) {
      row.cachedCalls = (row.cachedCalls ?? 0) + 1;
      row.savedTokens = (row.savedTokens ?? 0) + tokensOf(u.cached);
    } else row.calls += 1;
    row.promptTokens += u.promptTokens;
    row.completionTokens += u.completionTokens;
    if (u.costUsd !== undefined) row.costUsd = (row.costUsd ?? 0) + u.costUsd;
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => a.model.localeCompare(b.model) || a.role.localeCompare(b.role));
}

export function standingsOf(closed: RoundClosed[]): StandingsRow[] {
  const outcomes = closed.map(outcomeOfRound).filter((o): o is RoundOutcome => o !== undefined);
  return standings(outcomes);
}

/** A round that ended with no sample for a reason other than the sample's own quality. */
export function isWasted(round: Pick<RoundClosed, "status" | "reasonCode">): boolean {
  if (round.status === "accepted") return false;
  return round.reasonCode === undefined || !OWN_QUALITY_REASONS.has(round.reasonCode);
}

function ledgerRow(round: RoundClosed, records: readonly UsageRecorded[]): RoundLedgerRow {
  const { roundId, attacker, defender } = round.spec;
  const costs = records.flatMap((u) => (u.costUsd === undefined ? [] : [u.costUsd]));
  return {
    roundId,
    attacker,
    defender,
    status: round.status,
    reasonCode: round.reasonCode,
    tokens: records.reduce((n, u) => n + tokensOf(u), 0),
    costUsd: costs.length > 0 ? costs.reduce((a, b) => a + b, 0) : undefined,
    wasted: isWasted(round),
  };
}

function groupByRound(records: readonly UsageRecorded[]): Map<string, UsageRecorded[]> {
  const byRound = new Map<string, UsageRecorded[]>();
  for (const u of records) {
    if (u.roundId === undefined) continue;
    byRound.set(u.roundId, [...(byRound.get(u.roundId) ?? []), u]);
  }
  return byRound;
}

/**
 * The run's accounting: every closed round counted once under exactly one status, and every billed call, from
 * the run's usage records, in the books by model and role and in its round's ledger row.
 */
export function buildRunReport(
  runId: string,
  curation: Pick<CurationConfig, "target" | "noveltyThreshold" | "levels">,
  closed: RoundClosed[],
  completed: RunCompleted | undefined,
  records: readonly UsageRecorded[],
): RunReport {
  const byRound = groupByRound(records);
  const roundLedger = [...closed]
    .sort((a, b) => a.spec.seq - b.spec.seq)
    .map((round) => ledgerRow(round, byRound.get(round.spec.roundId) ?? []));
  const usage = usageRows(records);
  const costs = usage.flatMap((u) => (u.costUsd === undefined ? [] : [u.costUsd]));
  const totalTokens = records.reduce((n, u) => n + tokensOf(u), 0);
  const wastedTokens = roundLedger.filter((r) => r.wasted).reduce((n, r) => n + r.tokens, 0);
  const closedIds = new Set(closed.map((c) => c.spec.roundId));
  const cachedCalls = usage.reduce((n, u) => n + (u.cachedCalls ?? 0), 0);
  const savedTokens = usage.reduce((n, u) => n + (u.savedTokens ?? 0), 0);
  const report: RunReport = {
    runId,
    status: completed?.status ?? "running",
    reason: completed?.reason ?? "in progress",
    target: curation.target,
    rounds: closed.length,
    accepted: 0,
    rejected: 0,
    failed: 0,
    cancelled: 0,
    byReason: {},
    byOutcome: {},
    acceptedByLevel: {},
    acceptedByComplexity: {},
    acceptedBySkill: {},
    acceptedByDomain: {},
    judgedByLevel: {},
    usage,
    standings: standingsOf(closed),
    roundLedger,
    totalTokens,
    totalCostUsd: costs.length > 0 ? costs.reduce((a, b) => a + b, 0) : undefined,
    wastedTokens,
    wastedShare: totalTokens > 0 ? wastedTokens / totalTokens : 0,
    ...(cachedCalls > 0 ? { cachedCalls, savedTokens } : {}),
    unroundedTokens: records
      .filter((u) => u.roundId === undefined || !closedIds.has(u.roundId))
      .reduce((n, u) => n + tokensOf(u), 0),
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
