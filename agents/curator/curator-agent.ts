import { join, resolve } from "node:path";
import { fromPromise } from "xstate";
import { writeFileAtomic } from "../../core/atomic-file.ts";
import { contaminationNovelty, type Decontaminator } from "../../curation/decontamination.ts";
import { DECONTAMINATION_FILE } from "../../curation/decontamination-file.ts";
import type { NoveltyGate } from "../../curation/novelty.ts";
import { type Curation, openCuration } from "../../curation/open-curation.ts";
import { decideCuration } from "../../curation/policy.ts";
import { defineAgent, stage } from "../../host/define-agent.ts";
import type { AgentContext, AgentParts } from "../../host/definition.ts";
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
  QuestionProposed,
  QuestionScreened,
  type RejectionReason,
  RoundClosed,
  VerdictIssued,
} from "../../protocol/messages.ts";
import type { Sample, ValidVerdict } from "../../protocol/schemas.ts";
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

export function createCuratorActors(context: Pick<AgentContext, "settings">, parts: CuratorParts) {
  const { curation } = context.settings;
  return {
    screenQuestion: fromPromise<ScreenResult, QuestionProposed>(async ({ input }) => {
      const { text } = input.question;
      if (parts.decontaminator) {
        const check = await parts.decontaminator.check(text);
        if (check.contaminated)
          return {
            passed: false,
            reasonCode: "contaminated",
            reason: check.reason,
            novelty: contaminationNovelty(check),
          };
      }
      const screen = await parts.gate.screen(input.spec.roundId, text);
      return screen.novel
        ? { passed: true, reason: screen.reason, novelty: screen.report }
        : { passed: false, reasonCode: "duplicate", reason: screen.reason, novelty: screen.report };
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
        await parts.gate.commit(spec.roundId, {
          id: sample.id,
          runId: spec.runId,
          domain: spec.domain,
          skill: sample.skill,
          complexity: spec.complexity,
          level: verdict.level,
          text: input.question.text,
        });
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
 * Puts back into the store any accepted question a crash kept from reaching the disk (the store batches its
 * writes). The run's stream is the record: adding a stored id again changes nothing.
 */
async function restoreAcceptedQuestions(
  context: Pick<AgentContext, "events" | "logger">,
  curation: Curation,
): Promise<void> {
  const accepted = (await context.events.read()).flatMap((e) =>
    e.type === "round.closed.v1" && e.status === "accepted" && e.sample ? [e.sample] : [],
  );
  if (accepted.length === 0) return;
  const vectors = await curation.embedder.embed(accepted.map((s) => s.question.text));
  await curation.store.add(
    accepted.map((sample, i) => ({
      id: sample.id,
      runId: sample.runId,
      roundId: sample.roundId,
      domain: sample.domain,
      skill: sample.skill,
      complexity: sample.complexity,
      level: sample.verdict.level,
      text: sample.question.text,
      vector: vectors[i] as Float32Array,
    })),
  );
  context.logger.info(
    { accepted: accepted.length },
    "curator store checked against the run's accepted samples",
  );
}

/** The curator's two stages: the early novelty and contamination gate, and the final acceptance. */
const CURATOR_STAGES = {
  "question.proposed": stage(QuestionProposed, { callsModels: false }),
  "verdict.issued": stage(VerdictIssued, { callsModels: false }),
};

async function createCurator(context: AgentContext): Promise<AgentParts<typeof CURATOR_STAGES>> {
  const { settings, runDir, logger } = context;
  const { curation } = settings;
  const opened = await openCuration({
    config: curation,
    runDir,
    models: [...settings.models],
    logger,
    benchmarkCacheDir: join(resolve(settings.run.outDir), ".cache", "benchmark-vectors"),
  });
  await restoreAcceptedQuestions(context, opened);
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
      if (curation.decontamination.benchmarks.length > 0) {
        await writeFileAtomic(
          join(runDir, DECONTAMINATION_FILE),
          JSON.stringify(opened.decontamination.report(), null, 2),
        );
      }
      await opened.close();
    },
  };
}

export const curatorAgent = defineAgent({
  type: "curator",
  description: "keeps novel, uncontaminated items in the quality band and mix, up to the target",
  consumes: CURATOR_STAGES,
  produces: { "question.screened": QuestionScreened, "round.closed": RoundClosed },
  create: createCurator,
});
