import { hostname } from "node:os";
import { createActor, toPromise } from "xstate";
import type { Bus, Consumption, DeliveryContext } from "../bus/bus.ts";
import type { AgentConfig, Topology } from "../config/topology.ts";
import type { DomainPack } from "../domains/pack.ts";
import type { ChatModel } from "../llm/chat-model.ts";
import type { Logger } from "../log/logger.ts";
import { closeRound, type Emission, type StageOutput } from "../machines/emission.ts";
import { ConfigError, errorMessage } from "../protocol/errors.ts";
import { HEARTBEAT_INTERVAL_MS, RoundClosed } from "../protocol/messages.ts";
import { RoundSpec } from "../protocol/schemas.ts";
import { idempotencyKey, STAGES } from "../protocol/subjects.ts";
import { createBackend } from "../trainer/backends.ts";
import { agentSettings } from "./agent-settings.ts";
import { runEvents, runSettings, runState } from "./capabilities.ts";
import { ClosedRounds } from "./closed-rounds.ts";
import {
  type AgentContext,
  type AgentDefinition,
  type ConsumedStage,
  isStageFunction,
  type StageMachine,
  type Stop,
} from "./definition.ts";
import { watchRunStatus } from "./run-status.ts";

/** How long a stopping agent lets model calls in flight finish before it abandons them (within the CLI's drain). */
const STOP_GRACE_MS = 4000;

export interface RunningAgent {
  readonly type: string;
  readonly instance: string;
  stop(): Promise<void>;
}

/** What the host needs to run one replica of an agent. */
export interface HostedAgentOptions {
  definition: AgentDefinition<unknown>;
  /** The agent's topology entry: its options and routes are checked against the definition. */
  agent: AgentConfig;
  topology: Topology;
  /** This replica's own connection. */
  bus: Bus;
  runId: string;
  runDir: string;
  instance: string;
  models: ReadonlyMap<string, ChatModel>;
  packs: ReadonlyMap<string, DomainPack>;
  logger: Logger;
  /** Messages one replica handles at once on each stage, unless the stage says otherwise. */
  concurrency: number;
  env?: NodeJS.ProcessEnv;
}

interface RoundCarrier {
  runId: string;
  spec: RoundSpec;
}

function roundCarrier(message: unknown): RoundCarrier | undefined {
  if (!message || typeof message !== "object") return undefined;
  const spec = RoundSpec.safeParse((message as { spec?: unknown }).spec);
  return spec.success ? { runId: spec.data.runId, spec: spec.data } : undefined;
}

/**
 * Runs one replica of any agent definition: checks its topology entry (options and routes), builds its
 * context, makes its parts, and connects them to the bus: one durable consumer per stage it reads (shared by
 * its replicas), one machine actor per inbound message, validated publishing of what it emits (under its
 * routes), heartbeats, and a clean drain on stop.
 */
export async function hostAgent(options: HostedAgentOptions): Promise<RunningAgent> {
  const { definition, agent, topology, bus, runId, instance, logger } = options;
  const { run } = topology;
  const { type } = agent;
  if (typeof definition.consumes !== "object" || typeof definition.produces !== "object")
    throw new ConfigError(
      `agent ${type}: its definition declares no stages; make it with defineAgent() from "nanoflux"`,
    );
  const settings = agentSettings(definition, agent);
  const routed = (stage: string) => settings.routes[stage] ?? stage;

  /** Every stage may close its round; anything else published must be declared. */
  const publish = async (stage: string, message: unknown, msgId: string) => {
    const schema = definition.produces[stage] ?? (stage === STAGES.roundClosed ? RoundClosed : undefined);
    if (!schema) throw new Error(`${type} published "${stage}", a stage it does not declare in produces`);
    await bus.publish(runId, routed(stage), schema, message, msgId);
  };
  const publishAll = async (emissions: Emission[]) => {
    for (const emission of emissions) {
      const carrier = roundCarrier(emission.message);
      const key = carrier
        ? idempotencyKey(runId, carrier.spec.roundId, emission.stage)
        : `${runId}:${emission.stage}:${Date.now()}`;
      await publish(emission.stage, emission.message, key);
    }
  };

  const context: AgentContext<unknown> = {
    runId,
    runDir: options.runDir,
    instance,
    agent: { type: agent.type, ...(agent.model ? { model: agent.model } : {}) },
    options: settings.options,
    settings: runSettings(topology),
    models: options.models,
    packs: options.packs,
    logger,
    publish,
    state: runState(bus, runId),
    events: runEvents(bus, runId, logger),
    trainingBackend: (backend) =>
      createBackend(backend, {
        env: options.env ?? process.env,
        nats: bus.nc,
        natsReplicas: topology.nats.replicas,
      }),
  };
  const parts = await definition.create(context);

  const consumptions: Array<{ consumption: Consumption; abandonable: boolean }> = [];
  let stopBackground: Stop | undefined;
  let status: "running" | "draining" | "stopped" = "running";
  const runStatus = await watchRunStatus(bus.state, runId, logger).catch(async (err: unknown) => {
    await parts.close?.();
    throw err;
  });
  const closedRounds = new ClosedRounds(bus, runId);

  /** Closes the round of a message this stage will not handle: a late delivery after the run completed. */
  const cancelLate = async (carrier: RoundCarrier, reasonCode: RoundClosed["reasonCode"], reason: string) => {
    const closed = closeRound(
      { message: carrier, now: new Date().toISOString(), producer: instance, maxAttempts: 0 },
      type,
      "cancelled",
      reasonCode,
      `round cancelled: ${reason}`,
    );
    await publishAll([closed]);
  };

  /** One message through a machine: started, stopped if its round closes elsewhere, its emissions published. */
  const runMachine = async (
    handling: StageMachine<unknown>,
    stage: ConsumedStage<unknown>,
    message: unknown,
    carrier: RoundCarrier | undefined,
    delivery: DeliveryContext,
  ) => {
    const actor = createActor(handling, {
      input: { message, now: new Date().toISOString(), producer: instance, maxAttempts: run.modelAttempts },
    });
    // A round closed elsewhere while this stage works on it can no longer count: its model calls stop.
    const stopWatching =
      carrier && stage.callsModels !== false
        ? closedRounds.onClose(carrier.spec.roundId, () => actor.stop())
        : () => {};
    const abandon = () => actor.stop();
    delivery.signal.addEventListener("abort", abandon);
    let output: StageOutput | undefined;
    try {
      actor.start();
      output = (await toPromise(actor)) as StageOutput | undefined;
    } finally {
      stopWatching();
      delivery.signal.removeEventListener("abort", abandon);
    }
    // Stopped before it finished: the message goes back to the queue for another replica or a resume.
    if (!output && delivery.signal.aborted) throw delivery.signal.reason;
    if (output) await publishAll(output.emit);
  };

  const consume = async (name: string, stage: ConsumedStage<unknown>) => {
    const handling = parts.stages[name];
    if (!handling)
      throw new Error(`${type} declares the stage "${name}" but create() gave no handler for it`);
    // round.closed is the end of a round, not work on one: nothing about its round stops its handling.
    const carrierOf = (message: unknown) => (name === STAGES.roundClosed ? undefined : roundCarrier(message));
    const maxDeliver = stage.maxDeliveries ?? run.maxDeliveries;
    const consumption = await bus.consume({
      runId,
      agentType: agent.type,
      stage: routed(name),
      schema: stage.schema,
      concurrency: stage.concurrency ?? options.concurrency,
      ackWaitMs: run.ackWaitMs,
      maxDeliver,
      handle: async (message, delivery) => {
        const closing = runStatus.closing;
        const carrier = carrierOf(message);
        // Closed elsewhere already (a late delivery of a round that timed out): nothing here can count.
        if (carrier && closedRounds.has(carrier.spec.roundId)) return;
        // A late delivery after the run completed: close it here rather than spend tokens on it. While the
        // run drains, rounds in flight go on: what they bring still counts.
        if (carrier && closing?.phase === "completed")
          return cancelLate(carrier, closing.reasonCode, closing.reason);
        if (isStageFunction(handling)) return handling.handle(message, delivery.signal);
        return runMachine(handling, stage, message, carrier, delivery);
      },
      onLastDeliveryFailed: async (message, error) => {
        const carrier = carrierOf(message);
        if (!carrier) return;
        const closing = closeRound(
          { message: carrier, now: new Date().toISOString(), producer: instance, maxAttempts: 0 },
          type,
          "failed",
          "max_deliveries",
          `${type} failed ${maxDeliver} times: ${errorMessage(error)}`,
        );
        await bus.publish(
          runId,
          STAGES.roundClosed,
          RoundClosed,
          closing.message as RoundClosed,
          idempotencyKey(runId, carrier.spec.roundId, STAGES.roundClosed),
          { failure: error },
        );
      },
    });
    consumptions.push({ consumption, abandonable: stage.callsModels !== false });
  };

  const beat = () =>
    bus.publishHeartbeat({
      type: "agent.heartbeat.v1",
      runId,
      at: new Date().toISOString(),
      producer: instance,
      agentType: agent.type,
      instance,
      host: hostname(),
      pid: process.pid,
      inFlight: consumptions.reduce((n, c) => n + c.consumption.inFlight, 0),
      handled: consumptions.reduce((n, c) => n + c.consumption.handled, 0),
      status,
    });

  const shutDown = async () => {
    await stopBackground?.();
    // Model calls in flight get a grace period, then are abandoned; bookkeeping stages (no model) finish.
    await Promise.all(
      consumptions.map((c) => c.consumption.stop({ graceMs: c.abandonable ? STOP_GRACE_MS : undefined })),
    );
    await parts.close?.();
    await runStatus.stop();
    closedRounds.stop();
  };

  try {
    for (const [name, stage] of Object.entries(definition.consumes)) await consume(name, stage);
    stopBackground = parts.start?.();
  } catch (err) {
    await shutDown().catch((cause: unknown) =>
      logger.warn({ err: errorMessage(cause) }, "an agent that failed to start did not stop cleanly"),
    );
    throw err;
  }
  beat();
  const timer = setInterval(beat, HEARTBEAT_INTERVAL_MS);
  logger.debug({ stages: Object.keys(definition.consumes).map(routed) }, "agent started");

  return {
    type: agent.type,
    instance,
    stop: async () => {
      if (status === "stopped") return;
      status = "draining";
      beat();
      await shutDown();
      status = "stopped";
      clearInterval(timer);
      beat();
      logger.debug("agent stopped");
    },
  };
}
