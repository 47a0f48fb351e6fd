import type { RecordedEvent } from "../../bus/run-events.ts";
import { RoundClosed, RunCompleted, RunEvent, RunStarted, stageOfType } from "../../protocol/messages.ts";
import type { Level, NoveltyReport, Outcome, Question, RoundSpec, Verdict } from "../../protocol/schemas.ts";
import { reviewStage, runStageSubject } from "../../protocol/subjects.ts";

/**
 * Valid run events written by hand, for the view model tests and for driving a dashboard without agents.
 * Every event is parsed with its bus schema, so a test cannot feed the dashboard something agents never send.
 */

export const T0 = Date.parse("2026-03-01T10:00:00.000Z");

/** A time `ms` after the start of the crafted run (T0 unless the test lives in the present). */
export function at(ms: number, t0 = T0): string {
  return new Date(t0 + ms).toISOString();
}

export interface RunPlan {
  runId: string;
  /** Epoch ms the run starts at; default T0. */
  t0?: number;
  target?: number;
  /** USD per million tokens, the same for input and output; no price when absent. */
  pricePerMTok?: number;
  players?: string[];
  targetDefenderSuccess?: number;
}

export function runStarted(plan: RunPlan): RunStarted {
  const models = ["alpha", "beta"].map((id) => ({
    id,
    baseUrl: "http://127.0.0.1:9/v1",
    model: `sim-${id}`,
    ...(plan.pricePerMTok === undefined
      ? {}
      : { price: { inputPerMTok: plan.pricePerMTok, outputPerMTok: plan.pricePerMTok } }),
  }));
  return RunStarted.parse({
    type: "run.started.v1",
    runId: plan.runId,
    at: at(0, plan.t0),
    producer: "scheduler-test",
    topologyName: "crafted",
    target: plan.target ?? 10,
    domains: ["math"],
    models: models.map(({ id, model }) => ({ id, model })),
    config: {
      models,
      tournament: {
        models: plan.players ?? ["alpha", "beta"],
        targetDefenderSuccess: plan.targetDefenderSuccess ?? 0.5,
      },
    },
  });
}

export function runCompleted(
  runId: string,
  accepted: number,
  rounds: number,
  ms: number,
  t0 = T0,
): RunCompleted {
  return RunCompleted.parse({
    type: "run.completed.v1",
    runId,
    at: at(ms, t0),
    producer: "scheduler-test",
    status: "target_reached",
    reason: `accepted ${accepted} items`,
    accepted,
    rounds,
  });
}

/** How a crafted round ends. */
export type RoundEnd =
  | { kind: "accepted"; outcome: Exclude<Outcome, "invalid_question">; level: Level }
  | {
      kind: "rejected";
      outcome: Exclude<Outcome, "invalid_question">;
      level: Level;
      reasonCode: "quality_band" | "outcome_policy";
    }
  | { kind: "invalid" }
  | { kind: "duplicate" };

export interface RoundPlan {
  runId: string;
  /** Epoch ms the run started at; default T0. */
  t0?: number;
  seq: number;
  end: RoundEnd;
  attacker?: string;
  defender?: string;
  complexity?: number;
  questionText?: string;
  /** Milliseconds after T0 at which the round closes; it opens a second earlier. */
  closesAt?: number;
  /** USD per million tokens its calls were billed at; no cost when absent. */
  pricePerMTok?: number;
}

function question(plan: RoundPlan): Question {
  return {
    text:
      plan.questionText ??
      `Round ${plan.seq}: a train leaves at 9:00 at 60 km/h; a second leaves at 10:00 at 90 km/h. When does it catch up?`,
    referenceAnswer: "12:00",
    solutionSteps: ["head start 60 km", "closing speed 30 km/h", "60 / 30 = 2 h after 10:00"],
    skill: "rates",
    hops: 3,
  };
}

function verdict(end: RoundEnd): Verdict {
  const common = {
    flags: [],
    evidence: [
      { tool: "python", arguments: { code: "print(60 / 30)" }, ok: true, output: "2.0\n", durationMs: 12 },
    ],
    derivation: { wellPosed: true, problem: "", answer: "12:00", reasoning: "60 km closed at 30 km/h" },
  };
  if (end.kind !== "accepted" && end.kind !== "rejected") {
    return {
      valid: false,
      validityReason: "the reference answer does not follow",
      outcome: "invalid_question",
      reason: "invalid question",
      ...common,
    };
  }
  return {
    valid: true,
    validityReason: "python re-derived 12:00",
    verifiedAnswer: "12:00",
    defenderCorrect: end.outcome === "defended",
    correctnessReason: end.outcome === "defended" ? "same time" : "the defender said 11:00",
    rubric: { step_validity: 4, completeness: 4 },
    score: 4,
    level: end.level,
    gradingReason: "clear steps",
    outcome: end.outcome,
    reason: "a sound multi-step question",
    ...common,
  };
}

/** The events of one round, in the order the agents would publish them. */
export function roundEvents(plan: RoundPlan): RunEvent[] {
  const closesAt = plan.closesAt ?? plan.seq * 10_000;
  const spec: RoundSpec = {
    runId: plan.runId,
    roundId: `r${String(plan.seq).padStart(6, "0")}`,
    seq: plan.seq,
    domain: "math",
    skill: "rates",
    complexity: plan.complexity ?? 3,
    attacker: plan.attacker ?? "alpha",
    defender: plan.defender ?? "beta",
    judge: "judge",
    openedAt: at(closesAt - 1000, plan.t0),
  };
  const envelope = (producer: string) => ({
    runId: plan.runId,
    at: at(closesAt - 500, plan.t0),
    producer,
    spec,
  });
  /** One billed call, as the spend ledger records it. */
  const billed = (model: string, role: string, promptTokens: number, completionTokens: number) => ({
    type: "usage.recorded.v1",
    runId: plan.runId,
    at: at(closesAt - 500, plan.t0),
    producer: `${role}-test`,
    roundId: spec.roundId,
    model,
    role,
    promptTokens,
    completionTokens,
    ...(plan.pricePerMTok === undefined
      ? {}
      : { costUsd: ((promptTokens + completionTokens) * plan.pricePerMTok) / 1e6 }),
  });
  const q = question(plan);
  const novelty: NoveltyReport =
    plan.end.kind === "duplicate"
      ? {
          maxSimilarity: 0.97,
          nearestId: "sample-0001",
          nearestText: "A train leaves at 9:00 ...",
          source: "store",
        }
      : { maxSimilarity: 0.31, nearestId: "sample-0002", nearestText: "Two cyclists ...", source: "store" };
  const events: unknown[] = [
    { type: "round.opened.v1", ...envelope("scheduler-test") },
    billed(spec.attacker, "attacker", 1000, 500),
    { type: "question.proposed.v1", ...envelope("attacker-test"), question: q },
  ];
  const close = {
    type: "round.closed.v1",
    ...envelope("curator-test"),
    at: at(closesAt, plan.t0),
    novelty,
    complexity: spec.complexity,
  };
  if (plan.end.kind === "duplicate") {
    events.push({
      ...close,
      status: "rejected",
      reasonCode: "duplicate",
      reason: "too close to a stored item",
      stage: "question.proposed",
    });
    return events.map((e) => RunEvent.parse(e));
  }
  const answer = { reasoning: "The second train closes 30 km/h on a 60 km gap.", finalAnswer: "12:00" };
  const v = verdict(plan.end);
  events.push(
    { type: "question.screened.v1", ...envelope("curator-test"), question: q, novelty },
    billed(spec.defender, "defender", 800, 400),
    { type: "answer.submitted.v1", ...envelope("defender-test"), question: q, novelty, answer },
    { type: "verdict.issued.v1", ...envelope("judge-test"), question: q, novelty, answer, verdict: v },
  );
  events.push(
    RoundClosed.parse({
      ...close,
      verdict: v,
      stage: "verdict.issued",
      ...closing(plan.end, spec, q, answer, v, novelty),
    }),
  );
  return events.map((e) => RunEvent.parse(e));
}

function closing(
  end: RoundEnd,
  spec: RoundSpec,
  q: Question,
  answer: { reasoning: string; finalAnswer: string },
  v: Verdict,
  novelty: NoveltyReport,
) {
  if (end.kind === "invalid")
    return {
      status: "rejected",
      reasonCode: "invalid_question",
      reason: "the Judge found the question invalid",
    };
  if (end.kind === "rejected")
    return { status: "rejected", reasonCode: end.reasonCode, reason: `rejected: ${end.reasonCode}` };
  const sample = {
    id: `sample-${spec.roundId}`,
    runId: spec.runId,
    roundId: spec.roundId,
    domain: spec.domain,
    skill: spec.skill,
    complexity: spec.complexity,
    question: q,
    answer,
    verdict: v,
    novelty,
    attacker: spec.attacker,
    defender: spec.defender,
    judge: spec.judge,
    acceptedAt: spec.openedAt,
  };
  return { status: "accepted", reason: "novel, valid and in the quality band", sample };
}

/** Events as an ordered consumer would deliver them: numbered, each on its run's subject. */
/** The events as the stream records them, each on the subject its publisher files it under. */
export function recorded(events: readonly RunEvent[], firstSeq = 1): RecordedEvent[] {
  return events.map((event, i) => ({
    seq: firstSeq + i,
    subject: runStageSubject(
      event.runId,
      event.type === "review.recorded.v1" ? reviewStage(event.roundId) : stageOfType(event.type),
    ),
    event,
  }));
}
