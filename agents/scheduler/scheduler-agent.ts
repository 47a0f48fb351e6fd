import { createActor, type Snapshot } from "xstate";
import type { ModelConfig } from "../../config/topology.ts";
import { runProvenance } from "../../curation/export/provenance.ts";
import { defineAgent, stage } from "../../host/define-agent.ts";
import type { AgentContext, AgentParts } from "../../host/definition.ts";
import { type RunStatus, setRunStatus } from "../../host/run-status.ts";
import { DEFAULT_COMPLETION_CAP, NO_SPEND, type Spend, spendOf } from "../../llm/spending.ts";
import {
  drainingFor,
  openedEmission,
  type SchedulerEmitted,
  type SchedulerEvent,
  type SchedulerInput,
  schedulerMachine,
} from "../../machines/scheduler.ts";
import { ConfigError, errorMessage } from "../../protocol/errors.ts";
import {
  RoundClosed,
  RoundOpened,
  RunCompleted,
  type RunProvenance,
  RunStarted,
} from "../../protocol/messages.ts";
import { idempotencyKey, stateKeys } from "../../protocol/subjects.ts";

export const TICK_MS = 1000;

/** Prompt tokens allowed for one call in the scheduler's margin: a Judge prompt with its tool results. */
const CALL_PROMPT_ALLOWANCE = 4000;

/** The most one model call of this topology may reserve: its prompt allowance and completion cap, priced. */
function largestCallReserve(models: readonly ModelConfig[]): Spend {
  return models
    .map((m) =>
      spendOf(
        { promptTokens: CALL_PROMPT_ALLOWANCE, completionTokens: m.maxTokens ?? DEFAULT_COMPLETION_CAP },
        m.price,
      ),
    )
    .reduce((a, b) => ({ tokens: Math.max(a.tokens, b.tokens), usd: Math.max(a.usd, b.usd) }), NO_SPEND);
}

/** What the scheduler machine starts from: the run's settings, the domain packs, the run and the producer. */
export function schedulerInput(
  context: Pick<AgentContext, "settings" | "packs" | "runId" | "instance">,
): SchedulerInput {
  const { settings } = context;
  const participants = settings.tournament.models ?? settings.models.map((m) => m.id);
  const judgeAgent = settings.agents.find((a) => a.type === "judge");
  const judge = judgeAgent?.model ?? participants[0];
  if (!judge) throw new ConfigError("agents: a judge needs a model; set agents[].model on the judge");
  const domains = settings.run.domains.map((name) => {
    const pack = context.packs.get(name);
    if (!pack)
      throw new ConfigError(
        `run.domains: no domain pack "${name}"; known: ${[...context.packs.keys()].join(", ")}`,
      );
    return { name, skills: pack.skills.map((s) => s.name) };
  });
  return {
    runId: context.runId,
    producer: context.instance,
    target: settings.curation.target,
    budget: settings.run.budget,
    callReserve: largestCallReserve(settings.models),
    mix: { complexity: settings.curation.complexityMix, domain: settings.curation.domainMix },
    concurrency: settings.run.concurrency,
    maxRounds: settings.run.maxRounds,
    roundTimeoutMs: settings.run.roundTimeoutMs,
    plan: {
      participants,
      judge,
      domains,
      ...settings.tournament,
      seed: settings.run.seed,
    },
  };
}

function runStarted(context: AgentContext, target: number, provenance?: RunProvenance): RunStarted {
  const { settings } = context;
  return {
    type: "run.started.v1",
    runId: context.runId,
    at: new Date().toISOString(),
    producer: context.instance,
    topologyName: settings.name,
    target,
    domains: settings.run.domains,
    models: settings.models.map((m) => ({ id: m.id, model: m.model })),
    config: settings.record(),
    ...(provenance && { provenance }),
  };
}

/** The run's NanoFlux version and prompt-pack hashes; a run starts without them rather than not at all. */
async function provenanceOf(context: AgentContext): Promise<RunProvenance | undefined> {
  const packs = context.settings.run.domains.flatMap((name) => {
    const pack = context.packs.get(name);
    return pack ? [pack] : [];
  });
  try {
    return await runProvenance(packs);
  } catch (err) {
    context.logger.warn({ err: errorMessage(err) }, "cannot record the run's provenance");
    return undefined;
  }
}

/** Closed rounds, one at a time, into the one run-long machine; a step that fails is retried (many times). */
const SCHEDULER_STAGES = {
  "round.closed": stage(RoundClosed, { callsModels: false, concurrency: 1, maxDeliveries: 1000 }),
};

/**
 * Hosts the scheduler machine for one run. Its snapshot lives in the KV bucket and is saved after every event,
 * before the event is acknowledged, so a restarted scheduler resumes exactly; what it publishes carries message
 * ids, so re-publishing after a crash is harmless.
 */
async function createScheduler(context: AgentContext): Promise<AgentParts<typeof SCHEDULER_STAGES>> {
  const { state, runId, logger } = context;
  const input = schedulerInput(context);
  const snapshot = await state.read(stateKeys.scheduler);
  const actor = createActor(
    schedulerMachine,
    snapshot ? { snapshot: snapshot as Snapshot<unknown>, input } : { input },
  );
  const pending: SchedulerEmitted[] = [];
  actor.on("publish", (event) => pending.push(event));
  actor.start();

  let marked: RunStatus["phase"] = "running";
  /** Tells every agent, through the KV bucket, once the run needs no more work. */
  const markRunStatus = async () => {
    const snapshot = actor.getSnapshot();
    const { context } = snapshot;
    const ending = drainingFor(context);
    const phase = snapshot.status === "done" ? "completed" : ending ? "draining" : "running";
    if (phase === marked || !ending) return;
    const reasonCode =
      ending.status === "budget"
        ? "budget"
        : ending.status === "target_reached"
          ? "target_reached"
          : "cancelled";
    await setRunStatus(state, { phase, reasonCode, reason: ending.reason });
    marked = phase;
  };

  // An emission leaves the queue only once published: a publish that fails (a NATS node going away) is tried
  // again by the next step, at the latest the next tick, instead of leaving its round open forever.
  const flush = async () => {
    for (let next = pending[0]; next; next = pending[0]) {
      await context.publish(next.emission.stage, next.emission.message, next.msgId);
      pending.shift();
    }
    await state.write(stateKeys.scheduler, actor.getPersistedSnapshot());
    await markRunStatus();
  };

  // Under a budget every step carries what the run has spent or reserved, read from the shared spend ledger.
  const spendNow = () => (input.budget ? state.spent() : Promise.resolve(NO_SPEND));
  let chain = Promise.resolve();
  const step = (event: (spend: Spend) => SchedulerEvent) => {
    const run = chain.then(async () => {
      if (actor.getSnapshot().status !== "active") return;
      actor.send(event(await spendNow()));
      await flush();
    });
    chain = run.catch((err) => logger.error({ err: errorMessage(err) }, "scheduler step failed"));
    return run;
  };

  if (snapshot) {
    // Rounds opened before a crash may not have reached the stream: publish them again (de-duplicated by id).
    const now = new Date().toISOString();
    for (const spec of Object.values(actor.getSnapshot().context.inFlight))
      pending.push(openedEmission(input, spec, now));
    await flush();
    logger.info(
      { runId, accepted: actor.getSnapshot().context.accepted },
      "scheduler resumed from its snapshot",
    );
  } else {
    await context.publish(
      "run.started",
      runStarted(context, input.target, await provenanceOf(context)),
      idempotencyKey(runId, "run", "run.started"),
    );
    await step((spend) => ({ type: "START", now: new Date().toISOString(), spend }));
  }

  return {
    stages: {
      "round.closed": {
        handle: (message) =>
          step((spend) => ({ type: "ROUND_CLOSED", message, now: new Date().toISOString(), spend })),
      },
    },
    start: () => {
      const timer = setInterval(
        () => void step((spend) => ({ type: "TICK", now: new Date().toISOString(), spend })),
        TICK_MS,
      );
      return () => clearInterval(timer);
    },
    close: async () => {
      await chain;
      actor.stop();
    },
  };
}

export const schedulerAgent = defineAgent({
  type: "scheduler",
  description: "opens rounds, pairs models, tracks the target and completes the run",
  consumes: SCHEDULER_STAGES,
  produces: {
    "run.started": RunStarted,
    "round.opened": RoundOpened,
    "round.closed": RoundClosed,
    "run.completed": RunCompleted,
  },
  create: createScheduler,
});
