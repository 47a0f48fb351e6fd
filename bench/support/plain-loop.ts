import { join, resolve } from "node:path";
import { toQuestion } from "../../agents/attacker/attacker-agent.ts";
import { JudgeOptions } from "../../agents/judge/judge-agent.ts";
import { deriveBlind, gradeReference } from "../../agents/judge/judge-calls.ts";
import { schedulerInput } from "../../agents/scheduler/scheduler-agent.ts";
import { newRunId } from "../../bus/nats-endpoint.ts";
import { openCuration } from "../../curation/open-curation.ts";
import { decideCuration } from "../../curation/policy.ts";
import { loadDomainPacks } from "../../domains/pack.ts";
import { assessQuestion, decideVerdict } from "../../domains/verdict.ts";
import { runSettings } from "../../host/capabilities.ts";
import { createChatModels } from "../../llm/models.ts";
import { unlimitedLedger } from "../../llm/spending.ts";
import { silentLogger } from "../../log/logger.ts";
import { closeRound } from "../../machines/emission.ts";
import { initialPlan, nextRound, recordOutcome } from "../../machines/round-planner.ts";
import { roundId } from "../../machines/scheduler.ts";
import type { RejectionReason, RoundClosed, UsageRecorded } from "../../protocol/messages.ts";
import {
  ATTACKER_SCHEMA_NAME,
  AttackerOutput,
  DEFENDER_SCHEMA_NAME,
  DefenderOutput,
  type JudgeGrading,
} from "../../protocol/role-outputs.ts";
import type { CloseStatus, RoundSpec } from "../../protocol/schemas.ts";
import type { PreparedTopology } from "../../runner/prepare-topology.ts";
import { judgeTools, PythonSandbox } from "../../tools/index.ts";

/**
 * The orchestration benchmark's baseline: a round's work in a plain async loop, with no bus, no machines and
 * no agent host. It makes the agents' model calls (the same OpenAIChatModel clients, prompts rendered by the
 * same domain pack, the Judge's tools through the same Pyodide sandbox), decides with the same decideVerdict
 * and curation policy, and screens and commits through the same novelty gate (same embedder, same LanceDB
 * store). It keeps `run.concurrency` rounds going, as the scheduler does, and retries a failed model stage
 * `run.modelAttempts` times, as the stage machines do. What the agent system costs on top is the measurement.
 */

const PRODUCER = "plain-loop";

export interface PlainLoopResult {
  closed: RoundClosed[];
  /** Every billed call, as the agents' books record it. */
  usage: UsageRecorded[];
  closedAt: number[];
  startedAt: number;
}

type Attempt<T> = { ok: true; value: T } | { ok: false; error: string };

async function attempts<T>(max: number, work: () => Promise<T>): Promise<Attempt<T>> {
  let error = "";
  for (let attempt = 0; attempt < max; attempt++) {
    try {
      return { ok: true, value: await work() };
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
  }
  return { ok: false, error };
}

export async function runPlainLoop(prepared: PreparedTopology, rounds: number): Promise<PlainLoopResult> {
  const { topology } = prepared;
  const { run, curation: curationConfig } = topology;
  const logger = silentLogger();
  const runId = newRunId();
  const startedAt = performance.now();
  const packs = await loadDomainPacks(undefined, run.domains);
  const usage: UsageRecorded[] = [];
  const ledger = unlimitedLedger(async (charge, billed) => {
    usage.push({
      type: "usage.recorded.v1",
      runId,
      at: new Date().toISOString(),
      producer: PRODUCER,
      ...charge,
      ...billed,
    });
  });
  const models = createChatModels(topology.models, { env: prepared.env, logger, ledger });
  const curation = await openCuration({
    config: curationConfig,
    runDir: join(resolve(run.outDir), runId),
    models: topology.models,
    logger,
    benchmarkCacheDir: join(resolve(run.outDir), ".cache", "benchmark-vectors"),
  });
  const judgeConfig = topology.agents.find((a) => a.type === "judge");
  const judgeOptions = JudgeOptions.parse(judgeConfig?.options ?? {});
  const sandbox = new PythonSandbox({
    timeoutMs: judgeOptions.pythonTimeoutMs,
    memoryMb: judgeOptions.pythonMemoryMb,
  });
  const tools = judgeTools(sandbox);
  const { plan } = schedulerInput({ settings: runSettings(topology), packs, runId, instance: PRODUCER });
  const model = (id: string) => {
    const found = models.get(id);
    if (!found) throw new Error(`the topology has no model "${id}"`);
    return found;
  };

  async function playRound(spec: RoundSpec): Promise<RoundClosed> {
    const close = (
      stage: string,
      status: CloseStatus,
      reasonCode: RejectionReason | undefined,
      reason: string,
      extra: Partial<Pick<RoundClosed, "verdict" | "novelty">> = {},
    ) =>
      closeRound(
        {
          message: { runId, spec },
          now: new Date().toISOString(),
          producer: PRODUCER,
          maxAttempts: run.modelAttempts,
        },
        stage,
        status,
        reasonCode,
        reason,
        extra,
      ).message as RoundClosed;
    const pack = packs.get(spec.domain);
    if (!pack) throw new Error(`no domain pack "${spec.domain}"`);

    const attack = await attempts(run.modelAttempts, async () => {
      const prompt = pack.render("attacker", { skill: spec.skill, complexity: spec.complexity });
      const result = await model(spec.attacker).generate({
        role: "attacker",
        ...prompt,
        schemaName: ATTACKER_SCHEMA_NAME,
        schema: AttackerOutput,
        roundId: spec.roundId,
      });
      return { question: toQuestion(result.value, pack, spec.skill) };
    });
    if (!attack.ok) return close("attacker", "failed", "model_error", attack.error);
    const { question } = attack.value;

    const screen = await curation.novelty.screen(spec.roundId, question.text);
    const novelty = screen.report;
    if (!screen.novel) return close("curator", "rejected", "duplicate", screen.reason, { novelty });

    const defence = await attempts(run.modelAttempts, () =>
      model(spec.defender).generate({
        role: "defender",
        ...pack.render("defender", { question }),
        schemaName: DEFENDER_SCHEMA_NAME,
        schema: DefenderOutput,
        roundId: spec.roundId,
      }),
    );
    if (!defence.ok) return close("defender", "failed", "model_error", defence.error, { novelty });
    const answer = {
      reasoning: defence.value.value.reasoning,
      finalAnswer: defence.value.value.final_answer.trim(),
    };

    const judgeModel = model(judgeConfig?.model ?? spec.judge);
    const derived = await attempts(run.modelAttempts, () =>
      deriveBlind({
        model: judgeModel,
        roundId: spec.roundId,
        pack,
        question,
        tools,
        maxToolRounds: judgeOptions.maxToolRounds,
      }),
    );
    if (!derived.ok) return close("judge", "failed", "model_error", derived.error, { novelty });
    const blind = { output: derived.value.value, evidence: derived.value.evidence };
    let grading: JudgeGrading | undefined;
    if (assessQuestion(pack, question, blind).valid) {
      const graded = await attempts(run.modelAttempts, () =>
        gradeReference({ model: judgeModel, roundId: spec.roundId, pack, question, blind }),
      );
      if (!graded.ok) return close("judge", "failed", "model_error", graded.error, { novelty });
      grading = graded.value.value;
    }
    const verdict = decideVerdict({ pack, question, answer, blind, ...(grading ? { grading } : {}) });

    const decision = decideCuration({ config: curationConfig, verdict });
    if (!decision.accept) {
      await curation.novelty.release(spec.roundId);
      return close("curator", "rejected", decision.reasonCode, decision.reason, { verdict, novelty });
    }
    if (!verdict.valid) throw new Error("the curation policy kept an invalid question");
    const final = await curation.novelty.screen(spec.roundId, question.text);
    if (!final.novel) return close("curator", "rejected", "duplicate", final.reason, { verdict, novelty });
    await curation.novelty.commit(spec.roundId, {
      id: `${runId}-${spec.roundId}`,
      runId,
      domain: spec.domain,
      skill: question.skill || spec.skill,
      complexity: spec.complexity,
      level: verdict.level,
      text: question.text,
    });
    return close("curator", "accepted", undefined, "accepted", { verdict, novelty });
  }

  const closed: RoundClosed[] = [];
  const closedAt: number[] = [];
  let planState = initialPlan(plan);
  let nextSeq = 0;
  const keepOneRoundGoing = async () => {
    while (nextSeq < rounds) {
      const seq = nextSeq++;
      const planned = nextRound(plan, planState, seq, { domains: plan.domains.map((d) => d.name) });
      const spec: RoundSpec = {
        runId,
        roundId: roundId(seq),
        seq,
        openedAt: new Date().toISOString(),
        ...planned.round,
      };
      const round = await playRound(spec);
      planState = recordOutcome(plan, planState, round);
      closed.push(round);
      closedAt.push(performance.now());
    }
  };
  try {
    await Promise.all(Array.from({ length: run.concurrency }, keepOneRoundGoing));
  } finally {
    await sandbox.close();
    await curation.close();
  }
  return { closed, usage, closedAt, startedAt };
}
