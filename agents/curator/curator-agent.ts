import { join, resolve } from "node:path";
import { fromPromise } from "xstate";
import { settleWithin } from "../../core/settle-within.ts";
import { checkOf, contaminationNovelty, type Decontaminator } from "../../curation/decontamination.ts";
import { assertRunKeepRules } from "../../curation/keep-rules.ts";
import { EMPTY_NOVELTY_BOOK, NoveltyBook, type NoveltyGate } from "../../curation/novelty.ts";
import { type Curation, openCuration } from "../../curation/open-curation.ts";
import { decideCuration } from "../../curation/policy.ts";
import type { QuestionRow } from "../../curation/question-store.ts";
import { defineAgent, stage } from "../../host/define-agent.ts";
import type { AgentContext, AgentParts, EventTail } from "../../host/definition.ts";
import {
  acceptanceMachine,
  type CommitResult,
  type PolicyDecision,
  type ReleaseInput,
  type ScreenResult,
  screeningMachine,
} from "../../machines/curator.ts";
import { SystemError } from "../../protocol/errors.ts";
import {
  DecontaminationIndexed,
  QuestionProposed,
  QuestionScreened,
  type RejectionReason,
  RoundClosed,
  type RunEvent,
  VerdictIssued,
} from "../../protocol/messages.ts";
import type { Sample, ValidVerdict } from "../../protocol/schemas.ts";
import { STAGES, stateKeys } from "../../protocol/subjects.ts";
import { AcceptanceLedger } from "./acceptance-ledger.ts";

/** Rejections that judged the question itself: replaying it would cost the same tokens for the same verdict. */
const PLAYED_REJECTIONS = new Set<RejectionReason>(["invalid_question", "quality_band", "outcome_policy"]);

interface CuratorParts {
  gate: NoveltyGate;
  decontaminator?: Decontaminator;
  ledger: AcceptanceLedger;
}

function sampleOf(message: VerdictIssued, verdict: ValidVerdict, now: string): Sample {
  const { spec } = message;
  return {
    id: `${spec.runId}-${spec.roundId}`,
    runId: spec.runId,
    roundId: spec.roundId,
    domain: spec.domain,
    skill: message.question.skill || spec.skill,
    complexity: spec.complexity,
    question: message.question,
    answer: message.answer,
    verdict,
    novelty: message.novelty,
    attacker: spec.attacker,
    defender: spec.defender,
    judge: spec.judge,
    acceptedAt: now,
  };
}

/** A kept sample as the question store holds it, less the round and the vector. */
function questionRowOf(sample: Sample): Omit<QuestionRow, "roundId" | "vector"> {
  return {
    id: sample.id,
    runId: sample.runId,
    domain: sample.domain,
    skill: sample.skill,
    complexity: sample.complexity,
    level: sample.verdict.level,
    text: sample.question.text,
  };
}

export function createCuratorActors(context: Pick<AgentContext, "settings">, parts: CuratorParts) {
  const { curation } = context.settings;
  return {
    screenQuestion: fromPromise<ScreenResult, QuestionProposed>(async ({ input }) => {
      const { text } = input.question;
      const check = await parts.decontaminator?.check(text);
      if (check?.contaminated)
        return {
          passed: false,
          reasonCode: "contaminated",
          reason: check.reason,
          novelty: contaminationNovelty(check),
        };
      const screen = await parts.gate.screen(input.spec.roundId, text);
      // The check rides with the round, so the run's report counts it whichever host screened.
      const novelty = check ? { ...screen.report, contamination: checkOf(check) } : screen.report;
      return screen.novel
        ? { passed: true, reason: screen.reason, novelty }
        : { passed: false, reasonCode: "duplicate", reason: screen.reason, novelty };
    }),
    applyPolicy: fromPromise<PolicyDecision, VerdictIssued>(async ({ input }) => {
      const standing = await parts.ledger.standing(input.spec.roundId);
      // A redelivered round the ledger already holds was accepted before a crash: it must close as accepted.
      if (standing.claimed) return { accept: true, reason: "accepted before a restart" };
      return decideCuration({ config: curation, verdict: input.verdict });
    }),
    commitSample: fromPromise<CommitResult, VerdictIssued>(async ({ input }) => {
      const { spec, verdict } = input;
      if (!verdict.valid) throw new SystemError(`round ${spec.roundId}: an invalid question reached commit`);
      // The final novelty check: cheap while this round holds its reservation, a full check after a restart.
      // A round the ledger already holds passes anyway: its own question may be in the store by now.
      const screen = await parts.gate.screen(spec.roundId, input.question.text);
      if (!screen.novel && !(await parts.ledger.standing(spec.roundId)).claimed)
        return { committed: false, reasonCode: "duplicate", reason: screen.reason };
      const counts = await parts.ledger.claim(spec.roundId, spec.complexity, spec.domain);
      const sample = sampleOf(input, verdict, new Date().toISOString());
      try {
        const kept = await parts.gate.commit(spec.roundId, questionRowOf(sample));
        if (!kept.novel) {
          // Its reservation lapsed and a near-duplicate came first: the place in the ledger goes back.
          await parts.ledger.release(spec.roundId);
          return { committed: false, reasonCode: "duplicate", reason: kept.reason };
        }
      } catch (err) {
        // The round closes as failed: its place in the ledger goes back, or the run could never reach its target.
        await parts.ledger.release(spec.roundId);
        throw err;
      }
      return {
        committed: true,
        reason: `accepted ${counts.total} (target ${curation.target}): ${verdict.level} ${verdict.outcome}`,
        sample,
      };
    }),
    releaseQuestion: fromPromise<void, ReleaseInput>(async ({ input }) =>
      parts.gate.release(input.message.spec.roundId, {
        played: PLAYED_REJECTIONS.has(input.decision?.reasonCode ?? "error"),
      }),
    ),
  };
}

/**
 * What a round's close means for this replica's novelty view: a kept question goes into its store (from any
 * replica, on any host; adding a stored id again changes nothing), a question played and rejected for itself
 * blocks its replays, and the round's entry may leave the shared book.
 */
async function applyClose(event: RunEvent, curation: Curation): Promise<void> {
  if (event.type !== "round.closed.v1") return;
  const { sample } = event;
  if (event.status === "accepted" && sample) {
    const [vector] = await curation.embedder.embed([sample.question.text]);
    await curation.store.add([
      { ...questionRowOf(sample), roundId: sample.roundId, vector: vector as Float32Array },
    ]);
  }
  const played =
    event.status === "rejected" && event.reasonCode && PLAYED_REJECTIONS.has(event.reasonCode)
      ? event.question?.text
      : undefined;
  await curation.novelty.roundClosed(event.spec.roundId, played);
}

/** The curator's two stages: the early novelty and contamination gate, and the final acceptance. */
const CURATOR_STAGES = {
  "question.proposed": stage(QuestionProposed, { callsModels: false }),
  "verdict.issued": stage(VerdictIssued, { callsModels: false }),
};

async function createCurator(context: AgentContext): Promise<AgentParts<typeof CURATOR_STAGES>> {
  const { settings, runDir, logger, runId } = context;
  const { curation } = settings;
  const started = await context.events.started();
  if (started) assertRunKeepRules(runId, started.config, curation);
  // The gate waits on the tail, which applies closes to the gate's store: the tail is made just after.
  let tail: EventTail | undefined;
  const opened = await openCuration({
    config: curation,
    runDir,
    models: [...settings.models],
    logger,
    benchmarkCacheDir: join(resolve(settings.run.outDir), ".cache", "benchmark-vectors"),
    book: context.state.document(
      stateKeys.curatorNovelty,
      NoveltyBook,
      EMPTY_NOVELTY_BOOK,
      `novelty book of run ${runId}`,
    ),
    // A reservation outlives any round that may still be working on its question.
    reservationTtlMs: Math.max(MIN_RESERVATION_TTL_MS, 2 * settings.run.roundTimeoutMs),
    storeCaughtUp: async () => {
      if (!tail) throw new SystemError("the curator's store is not following the run yet");
      await tail.caughtUp();
    },
  });
  try {
    tail = await context.events.follow(STAGES.roundClosed, (event) => applyClose(event, opened));
    await tail.caughtUp();
    logger.debug({ kept: await opened.store.count() }, "curator store follows the run's kept questions");
    const decontaminating = curation.decontamination.benchmarks.length > 0;
    if (decontaminating) await announceIndex(context, opened.decontamination);
  } catch (err) {
    await tail?.stop();
    await opened.close();
    throw err;
  }
  const parts: CuratorParts = {
    gate: opened.novelty,
    decontaminator: curation.decontamination.benchmarks.length > 0 ? opened.decontamination : undefined,
    ledger: new AcceptanceLedger(context.state, context.runId),
  };
  const actors = createCuratorActors(context, parts);
  return {
    stages: {
      "question.proposed": screeningMachine.provide({ actors: { screenQuestion: actors.screenQuestion } }),
      "verdict.issued": acceptanceMachine.provide({
        actors: {
          applyPolicy: actors.applyPolicy,
          commitSample: actors.commitSample,
          releaseQuestion: actors.releaseQuestion,
        },
      }),
    },
    close: async () => {
      // The store outlives the run (curation.storePath is shared by runs): it first takes in the closes that
      // the stream holds by now, the last ones of a completed run included, for a bounded time.
      const caughtUp = tail?.caughtUp() ?? Promise.resolve();
      await settleWithin(
        CATCH_UP_ON_CLOSE_MS,
        caughtUp,
        () => new Error("the run's last closes did not arrive in time"),
      ).catch((err: unknown) =>
        logger.warn({ err: String(err) }, "curator store stopped before it caught up with the run"),
      );
      await tail?.stop();
      await opened.close();
    },
  };
}

const CATCH_UP_ON_CLOSE_MS = 5000;
const MIN_RESERVATION_TTL_MS = 30 * 60_000;

/** Says on the bus which benchmarks this replica checks against: the run's report is made from the bus. */
async function announceIndex(context: AgentContext, decontaminator: Decontaminator): Promise<void> {
  const event: DecontaminationIndexed = {
    type: "decontamination.indexed.v1",
    runId: context.runId,
    at: new Date().toISOString(),
    producer: context.instance,
    ...decontaminator.index(),
  };
  await context.publish(
    STAGES.decontaminationIndexed,
    event,
    `${context.runId}:${STAGES.decontaminationIndexed}:${context.instance}`,
  );
}

export const curatorAgent = defineAgent({
  type: "curator",
  description: "keeps novel, uncontaminated items in the quality band and mix, up to the target",
  consumes: CURATOR_STAGES,
  produces: {
    "question.screened": QuestionScreened,
    "round.closed": RoundClosed,
    [STAGES.decontaminationIndexed]: DecontaminationIndexed,
  },
  create: createCurator,
});
