import type { RoundOutcome } from "../tournament/round-outcome.ts";
import { type AgentRoster, agentGroups } from "./agent-roster.ts";
import { reviewFlags } from "./review-queue.ts";
import type { RunView } from "./view-model.ts";
import type {
  AgentGroup,
  Agreement,
  DefenderTrend,
  ReviewCounts,
  RoundDetail,
  RoundRow,
  RunListItem,
  RunSnapshot,
  Timeline,
} from "./wire.ts";

/** The round list keeps the page light on long runs; older rounds stay in the server's view model. */
export const ROUND_LIST_LIMIT = 300;
/** Valid games each point of the defender trend averages over. */
export const DEFENDER_WINDOW = 20;
const QUESTION_PREVIEW = 140;

/** What the board works out apart from the view: series for the charts, agreement, whether it can export. */
export interface SnapshotExtras {
  timeline: Timeline;
  agreement: Agreement;
  exportable: boolean;
}

/** What the page shows of a run at `now`: the folded view plus the values that move with the clock. */
export function runSnapshot(
  view: RunView,
  roster: AgentRoster,
  now: number,
  extras: SnapshotExtras,
): RunSnapshot {
  const agents = agentGroups(roster, now);
  const { accepted, rejected, failed, cancelled } = view.closed;
  const closedRounds = accepted + rejected + failed + cancelled;
  const rounds = [...view.rounds.values()];
  const endedAt = view.completed ? Date.parse(view.completed.at) : now;
  const elapsedMs = view.startedAt === undefined ? 0 : Math.max(0, endedAt - view.startedAt);
  const costs = view.usage.map((u) => u.costUsd).filter((c): c is number => c !== undefined);
  const tokens = view.usage.reduce((n, u) => n + u.promptTokens + u.completionTokens, 0);
  const newestFirst = rounds.slice(-ROUND_LIST_LIMIT).reverse();
  return {
    ...listItem(view, agents),
    reason: view.completed?.reason ?? "in progress",
    rejected,
    failed,
    cancelled,
    inFlight: rounds.filter((round) => round.decision === undefined).length,
    elapsedMs,
    roundsPerMinute: elapsedMs > 0 ? closedRounds / (elapsedMs / 60_000) : 0,
    etaMs: view.completed ? null : eta(accepted, view.target, elapsedMs),
    tokens,
    wastedShare: tokens > 0 ? view.wastedTokens / tokens : 0,
    costUsd: costs.length > 0 ? sum(costs) : null,
    usage: [...view.usage],
    funnel: view.funnel,
    rejections: view.rejections,
    acceptedByLevel: view.acceptedByLevel,
    acceptedByComplexity: view.acceptedByComplexity,
    defender: defenderTrend(view.outcomes, view.targetDefenderSuccess ?? null),
    standings: [...view.standings],
    agents,
    rounds: newestFirst.map((round) => roundRow(round, view)),
    roundCount: view.rounds.size,
    deadLetters: view.deadLetters,
    lastSeq: view.lastSeq,
    facets: {
      skills: [...new Set(rounds.map((round) => round.spec.skill))].sort(),
      domains: [...new Set(rounds.map((round) => round.spec.domain))].sort(),
    },
    ...extras,
    reviews: reviewCounts(view),
  };
}

/** How the run's kept samples stand with reviewers. */
function reviewCounts(view: RunView): ReviewCounts {
  const counts: ReviewCounts = { approved: 0, rejected: 0, edited: 0, unreviewed: 0, reviewers: [] };
  const reviewers = new Set<string>();
  for (const round of view.rounds.values()) {
    if (round.decision?.status !== "accepted") continue;
    const reviewed = view.reviews.get(round.spec.roundId);
    if (reviewed?.status) counts[reviewed.status] += 1;
    else counts.unreviewed += 1;
    for (const name of reviewed?.status ? reviewed.reviewers : []) reviewers.add(name);
  }
  counts.reviewers = [...reviewers].sort();
  return counts;
}

/** The line of the run list: cheap, so the list can be rebuilt whenever any run changes. */
export function runListItem(view: RunView, roster: AgentRoster, now: number): RunListItem {
  return listItem(view, agentGroups(roster, now));
}

function listItem(view: RunView, agents: readonly AgentGroup[]): RunListItem {
  return {
    runId: view.runId,
    topologyName: view.topologyName,
    status: view.completed?.status ?? "running",
    live: agents.some((group) => group.alive > 0),
    accepted: view.closed.accepted,
    target: view.target,
    startedAt: view.startedAt ?? null,
  };
}

/** Time left at the acceptance rate so far; null until something is accepted (no rate to go on). */
function eta(accepted: number, target: number | undefined, elapsedMs: number): number | null {
  if (target === undefined || accepted === 0) return null;
  return Math.max(0, target - accepted) * (elapsedMs / accepted);
}

/**
 * Defender success over valid games (invalid questions say nothing about the defender): each point is the
 * rate over the last DEFENDER_WINDOW games, so the line shows where difficulty targeting has settled.
 */
export function defenderTrend(outcomes: readonly RoundOutcome[], target: number | null): DefenderTrend {
  const defended = outcomes
    .filter((o) => o.outcome !== "invalid_question")
    .map((o) => (o.outcome === "defended" ? 1 : 0));
  const points = defended.map((_, i) => {
    const window = defended.slice(Math.max(0, i + 1 - DEFENDER_WINDOW), i + 1);
    return { game: i + 1, rate: sum(window) / window.length };
  });
  return {
    target,
    overall: defended.length > 0 ? sum(defended) / defended.length : null,
    window: DEFENDER_WINDOW,
    points,
  };
}

export function roundRow(round: RoundDetail, view: RunView): RoundRow {
  const { spec, decision, verdict, question, novelty } = round;
  const reviewed = view.reviews.get(spec.roundId);
  return {
    roundId: spec.roundId,
    seq: spec.seq,
    domain: spec.domain,
    skill: spec.skill,
    complexity: spec.complexity,
    attacker: spec.attacker,
    defender: spec.defender,
    stage: round.stages.at(-1) ?? "round.opened",
    status: decision?.status,
    reasonCode: decision?.reasonCode,
    level: verdict?.valid ? verdict.level : undefined,
    outcome: verdict?.outcome,
    // The page shows one line of it, ellipsised; the rest comes with the round's details.
    question: (reviewed?.edits.text ?? question?.text)?.slice(0, QUESTION_PREVIEW),
    flags: reviewFlags(round, view),
    maxSimilarity: novelty?.maxSimilarity,
    review: reviewed && {
      status: reviewed.status,
      reviewers: [...reviewed.reviewers],
      edited: Object.keys(reviewed.edits).length > 0,
      lastSeq: reviewed.lastSeq,
    },
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
