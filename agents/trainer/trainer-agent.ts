import { fromPromise } from "xstate";
import type { z } from "zod";
import { readRunEvents } from "../../bus/run-events.ts";
import { TrainingConfig } from "../../config/topology.ts";
import { acceptedSamples } from "../../curation/run-report.ts";
import type { AgentContext, AgentDefinition } from "../../host/definition.ts";
import { trainerMachine } from "../../machines/trainer.ts";
import { ConfigError } from "../../protocol/errors.ts";
import { RunCompleted } from "../../protocol/messages.ts";
import { STAGES } from "../../protocol/subjects.ts";
import { type TrainingJob, TrainingUpdated } from "../../protocol/training.ts";
import { createBackend } from "../../trainer/backends.ts";
import { trainRun } from "../../trainer/train-run.ts";

/** Agent options override the topology's `training` section field by field. */
export const TrainerOptions = TrainingConfig.omit({ model: true }).partial();
export type TrainerOptions = z.infer<typeof TrainerOptions>;

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The topology's `training` section, overridden by the agent's options. */
export function trainingSettings(context: AgentContext<TrainerOptions>): TrainingConfig {
  return { ...TrainingConfig.parse(context.topology.training ?? {}), ...definedOnly(context.options) };
}

/** Backend settings, falling back to the topology model named by `training.model` or the agent's `model`. */
function backendSettings(context: AgentContext<TrainerOptions>) {
  const { agent, topology } = context;
  const settings = trainingSettings(context);
  const model = topology.models.find((m) => m.id === (topology.training?.model ?? agent.model));
  const baseModel = settings.baseModel ?? model?.model;
  if (!baseModel) {
    throw new ConfigError(
      "training: give training.baseModel, or a model id in training.model or the trainer agent's `model`, to say what to fine-tune",
    );
  }
  return {
    backend: settings.backend,
    baseModel,
    baseUrl: settings.baseUrl ?? model?.baseUrl,
    apiKeyEnv: settings.apiKeyEnv ?? model?.apiKeyEnv,
    producer: context.instance,
  };
}

export function createTrainerActors(context: AgentContext<TrainerOptions>) {
  const { bus, logger } = context;
  return {
    trainRun: fromPromise<TrainingJob, RunCompleted>(async ({ input, signal }) => {
      const backend = await createBackend(backendSettings(context), {
        env: process.env,
        nats: bus.nc,
        natsReplicas: context.topology.nats.replicas,
      });
      const rounds = (await readRunEvents(bus.js, input.runId)).flatMap(({ event }) =>
        event.type === "round.closed.v1" ? [event] : [],
      );
      const job = await trainRun({
        runId: input.runId,
        samples: acceptedSamples(rounds),
        runDir: context.runDir,
        backend,
        hyperparameters: trainingSettings(context).hyperparameters,
        pollMs: trainingSettings(context).pollMs,
        producer: context.instance,
        publish: (update, msgId) =>
          bus.publish(input.runId, STAGES.trainingUpdated, TrainingUpdated, update, msgId),
        signal,
      });
      logger.info({ job: job.id, status: job.status, model: job.fineTunedModel }, "training finished");
      return job;
    }),
  };
}

export const trainerAgent: AgentDefinition<TrainerOptions> = {
  type: "trainer",
  description: "fine-tunes a model on the run's dataset once it reaches its target",
  options: TrainerOptions,
  create: async (context) => ({
    handlers: [
      {
        consumes: STAGES.runCompleted,
        input: RunCompleted,
        produces: { [STAGES.trainingUpdated]: TrainingUpdated },
        machine: trainerMachine.provide({ actors: createTrainerActors(context) }),
      },
    ],
  }),
};
