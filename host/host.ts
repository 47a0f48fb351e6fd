import { hostname } from "node:os";
import { createActor, toPromise } from "xstate";
import type { Consumption } from "../bus/bus.ts";
import type { Topology } from "../config/topology.ts";
import { closeRound, type Emission, type StageOutput } from "../machines/emission.ts";
import { errorMessage } from "../protocol/errors.ts";
import { HEARTBEAT_INTERVAL_MS, RoundClosed, STAGE_SCHEMAS } from "../protocol/messages.ts";
import { RoundSpec } from "../protocol/schemas.ts";
import { idempotencyKey } from "../protocol/subjects.ts";
import { ClosedRounds } from "./closed-rounds.ts";
import type { AgentContext, AgentInstance, StageHandler } from "./definition.ts";
import { watchRunStatus } from "./run-status.ts";

/** How long a stopping agent lets model calls in flight finish before it abandons them (within the CLI's drain). */
const STOP_GRACE_MS = 4000;

export interface RunningAgent {
  readonly type: string;
  readonly instance: string;
  stop(): Promise<void>;
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

/** Stage -> stage rename map from an agent's `options.routes`, so a plug-in step can be spliced into a round. */
export function routesOf(options: unknown): Record<string, string> {
  const routes = (options as { routes?: unknown } | undefined)?.routes;
  if (!routes || typeof routes !== "object") return {};
  return Object.fromEntries(Object.entries(routes).filter(([, v]) => typeof v === "string")) as Record<
    string,
    string
  >;
}

/**
 * Connects one agent instance to the bus: one durable consumer per stage it handles (shared by its replicas),
 * one machine actor per inbound message, validated publishing of what the machine emits, heartbeats, and a
 * clean drain on stop.
 */
export async function hostAgent(
  context: AgentContext<unknown>,
  instance: AgentInstance,
  run: Topology["run"],
  concurrency: number,
): Promise<RunningAgent> {
  const { bus, logger, runId } = context;
  const routes = routesOf(context.agent.options);
  const consumptions: Array<{ consumption: Consumption; abandonable: boolean }> = [];
  const runStatus = await watchRunStatus(bus.state, runId, logger);
  const closedRounds = new ClosedRounds(bus, runId);
  let status: "running" | "draining" | "stopped" = "running";

  const publishAll = async (emissions: Emission[], handler: StageHandler) => {
    for (const emission of emissions) {
      const stage = routes[emission.stage] ?? emission.stage;
      const schema =
        handler.produces[emission.stage] ?? STAGE_SCHEMAS[emission.stage as keyof typeof STAGE_SCHEMAS];
      if (!schema) throw new Error(`${context.agent.type} emitted undeclared stage "${emission.stage}"`);
      const carrier = roundCarrier(emission.message);
      const key = carrier
        ? idempotencyKey(runId, carrier.spec.roundId, emission.stage)
        : `${runId}:${emission.stage}:${Date.now()}`;
      await bus.publish(runId, stage, schema, emission.message, key);
    }
  };

  for (const handler of instance.handlers) {
    const consumes = routes[handler.consumes] ?? handler.consumes;
    const consumption = await bus.consume({
      runId,
      agentType: context.agent.type,
      stage: consumes,
      schema: handler.input,
      concurrency,
      ackWaitMs: run.ackWaitMs,
      maxDeliver: run.maxDeliveries,
      handle: async (message, delivery) => {
        const closing = runStatus.closing;
        const carrier = consumes === "round.closed" ? undefined : roundCarrier(message);
        // Closed elsewhere already (a late delivery of a round that timed out): nothing here can count.
        if (carrier && closedRounds.has(carrier.spec.roundId)) return;
        if (carrier && closing?.phase === "completed") {
          // A late delivery after the run completed: close it here rather than spend tokens on it. While the
          // run drains, rounds in flight go on: what they bring still counts.
          const closed = closeRound(
            { message: carrier, now: new Date().toISOString(), producer: context.instance, maxAttempts: 0 },
            context.agent.type,
            "cancelled",
            closing.reasonCode,
            `round cancelled: ${closing.reason}`,
          );
          await publishAll([closed], handler);
          return;
        }
        const actor = createActor(handler.machine, {
          input: {
            message,
            now: new Date().toISOString(),
            producer: context.instance,
            maxAttempts: run.modelAttempts,
          },
        });
        // A round closed elsewhere while this stage works on it can no longer count: its model calls stop.
        const stopWatching =
          carrier && handler.callsModels !== false
            ? closedRounds.onClose(carrier.spec.roundId, () => actor.stop())
            : () => {};
        const abandon = () => actor.stop();
        delivery.signal.addEventListener("abort", abandon);
        actor.start();
        const output = (await toPromise(actor)) as StageOutput | undefined;
        stopWatching();
        delivery.signal.removeEventListener("abort", abandon);
        // Stopped before it finished: the message goes back to the queue for another replica or a resume.
        if (!output && delivery.signal.aborted) throw delivery.signal.reason;
        if (output) await publishAll(output.emit, handler);
      },
      onLastDeliveryFailed: async (message, error) => {
        const carrier = roundCarrier(message);
        if (!carrier) return;
        const closing = closeRound(
          { message: carrier, now: new Date().toISOString(), producer: context.instance, maxAttempts: 0 },
          context.agent.type,
          "failed",
          "max_deliveries",
          `${context.agent.type} failed ${run.maxDeliveries} times: ${errorMessage(error)}`,
        );
        await bus.publish(
          runId,
          "round.closed",
          RoundClosed,
          closing.message as RoundClosed,
          idempotencyKey(runId, carrier.spec.roundId, "round.closed"),
        );
      },
    });
    consumptions.push({ consumption, abandonable: handler.callsModels !== false });
  }

  const beat = () =>
    bus.publishHeartbeat({
      type: "agent.heartbeat.v1",
      runId,
      at: new Date().toISOString(),
      producer: context.instance,
      agentType: context.agent.type,
      instance: context.instance,
      host: hostname(),
      pid: process.pid,
      inFlight: consumptions.reduce((n, c) => n + c.consumption.inFlight, 0),
      handled: consumptions.reduce((n, c) => n + c.consumption.handled, 0),
      status,
    });
  beat();
  const timer = setInterval(beat, HEARTBEAT_INTERVAL_MS);
  logger.info({ stages: instance.handlers.map((h) => h.consumes) }, "agent started");

  return {
    type: context.agent.type,
    instance: context.instance,
    stop: async () => {
      if (status === "stopped") return;
      status = "draining";
      beat();
      // Model calls in flight get a grace period, then are abandoned; bookkeeping stages (no model) finish.
      await Promise.all(
        consumptions.map((c) => c.consumption.stop({ graceMs: c.abandonable ? STOP_GRACE_MS : undefined })),
      );
      await instance.close?.();
      await runStatus.stop();
      closedRounds.stop();
      status = "stopped";
      clearInterval(timer);
      beat();
      logger.info("agent stopped");
    },
  };
}
