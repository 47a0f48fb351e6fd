import { createActor } from "xstate";
import { z } from "zod";
import { committedSpend } from "../../bus/spend-ledger.ts";
import type { Topology } from "../../config/topology.ts";
import type { AgentContext, AgentDefinition, AgentInstance } from "../../host/definition.ts";
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
import { RoundClosed, RunStarted, STAGE_SCHEMAS } from "../../protocol/messages.ts";
import { idempotencyKey, stateKeys } from "../../protocol/subjects.ts";
import { redactTopology } from "./redact.ts";

export const TICK_MS = 1000;

/** Prompt tokens allowed for one call in the scheduler's margin: a Judge prompt with its tool results. */
const CALL_PROMPT_ALLOWANCE = 4000;

/** The most one model call of this topology may reserve: its prompt allowance and completion cap, priced. */
function largestCallReserve(models: Topology["models"]): Spend {
  return models
    .map((m) =>
      spendOf(
        { promptTokens: CALL_PROMPT_ALLOWANCE, completionTokens: m.maxTokens ?? DEFAULT_COMPLETION_CAP },
        m.price,
      ),
    )
    .reduce((a, b) => ({ tokens: Math.max(a.tokens, b.tokens), usd: Math.max(a.usd, b.usd) }), NO_SPEND);
}

export function schedulerInput(context: AgentContext<unknown>): SchedulerInput {
  const { topology } = context;
  const participants = topology.tournament.models ?? topology.models.map((m) => m.id);
  const judgeAgent = topology.agents.find((a) => a.type === "judge");
  const judge = judgeAgent?.model ?? participants[0];
  if (!judge) throw new ConfigError("agents: a judge needs a model; set agents[].model on the judge");
  const domains = topology.run.domains.map((name) => {
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
    target: topology.curation.target,
    budget: topology.run.budget,
    callReserve: largestCallReserve(topology.models),
    mix: { complexity: topology.curation.complexityMix, domain: topology.curation.domainMix },
    concurrency: topology.run.concurrency,
    maxRounds: topology.run.maxRounds,
    roundTimeoutMs: topology.run.roundTimeoutMs,
    plan: {
      participants,
      judge,
      domains,
      ...topology.tournament,
      seed: topology.run.seed,
    },
  };
}

function runStarted(context: AgentContext<unknown>, topology: Topology, target: number): RunStarted {
  return {
    type: "run.started.v1",
    runId: context.runId,
    at: new Date().toISOString(),
    producer: context.instance,
    topologyName: topology.name,
    target,
    domains: topology.run.domains,
    models: topology.models.map((m) => ({ id: m.id, model: m.model })),
    config: redactTopology(topology),
  };
}

/**
 * Hosts the scheduler machine for one run. Its snapshot lives in the KV bucket and is saved after every event,
 * before the event is acknowledged, so a restarted scheduler resumes exactly; what it publishes carries message
 * ids, so re-publishing after a crash is harmless.
 */
async function createScheduler(context: AgentContext<unknown>): Promise<AgentInstance> {
  const { bus, runId, logger } = context;
  const input = schedulerInput(context);
  const key = stateKeys.scheduler(runId);
  const saved = await bus.state.get(key);
  const snapshot = saved?.value.length ? saved.json() : undefined;
  const actor = createActor(schedulerMachine, snapshot ? { snapshot: snapshot as never, input } : { input });
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
    await setRunStatus(bus.state, runId, { phase, reasonCode, reason: ending.reason });
    marked = phase;
  };

  // An emission leaves the queue only once published: a publish that fails (a NATS node going away) is tried
  // again by the next step, at the latest the next tick, instead of leaving its round open forever.
  const flush = async () => {
    for (let next = pending[0]; next; next = pending[0]) {
      const schema = STAGE_SCHEMAS[next.emission.stage as keyof typeof STAGE_SCHEMAS] as z.ZodType<unknown>;
      await bus.publish(runId, next.emission.stage, schema, next.emission.message, next.msgId);
      pending.shift();
    }
    await bus.state.put(key, JSON.stringify(actor.getPersistedSnapshot()));
    await markRunStatus();
  };

  // Under a budget every step carries what the run has spent or reserved, read from the shared spend ledger.
  const spendNow = () => (input.budget ? committedSpend(bus.state, runId) : Promise.resolve(NO_SPEND));
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
    await bus.publish(
      runId,
      "run.started",
      RunStarted,
      runStarted(context, context.topology, input.target),
      idempotencyKey(runId, "run", "run.started"),
    );
    await step((spend) => ({ type: "START", now: new Date().toISOString(), spend }));
  }

  const consumption = await bus.consume({
    runId,
    agentType: "scheduler",
    stage: "round.closed",
    schema: RoundClosed,
    concurrency: 1,
    ackWaitMs: context.topology.run.ackWaitMs,
    maxDeliver: 1000,
    handle: (message) =>
      step((spend) => ({ type: "ROUND_CLOSED", message, now: new Date().toISOString(), spend })),
  });
  const timer = setInterval(
    () => void step((spend) => ({ type: "TICK", now: new Date().toISOString(), spend })),
    TICK_MS,
  );

  return {
    handlers: [],
    close: async () => {
      clearInterval(timer);
      await consumption.stop();
      await chain;
      actor.stop();
    },
  };
}

export const schedulerAgent: AgentDefinition<unknown> = {
  type: "scheduler",
  description: "opens rounds, pairs models, tracks the target and completes the run",
  options: z.object({}).passthrough(),
  create: createScheduler,
};
