import { fromPromise } from "xstate";
import type { z } from "zod";
import { TrainingConfig } from "../../config/topology.ts";
import { acceptedSamples } from "../../curation/run-report.ts";
import { defineAgent } from "../../host/define-agent.ts";
import type { AgentContext } from "../../host/definition.ts";
import { trainerMachine } from "../../machines/trainer.ts";
import { ConfigError } from "../../protocol/errors.ts";
import { RunCompleted } from "../../protocol/messages.ts";
import { STAGES } from "../../protocol/subjects.ts";
import { type TrainingJob, TrainingUpdated } from "../../protocol/training.ts";
import { sampleToChat } from "../../trainer/chat-export.ts";
import { trainRun } from "../../trainer/train-run.ts";

/** Agent options override the topology's `training` section field by field. */
export const TrainerOptions = TrainingConfig.omit({ model: true }).partial();
export type TrainerOptions = z.infer<typeof TrainerOptions>;

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** What the trainer uses of its context. */
type TrainerContext = Pick<
  AgentContext<TrainerOptions>,
  | "settings"
  | "options"
  | "agent"
  | "instance"
  | "runDir"
  | "logger"
  | "events"
  | "publish"
  | "trainingBackend"
>;

/** The topology's `training` section, overridden by the agent's options. */
export function trainingSettings(context: Pick<TrainerContext, "settings" | "options">): TrainingConfig {
  return { ...TrainingConfig.parse(context.settings.training ?? {}), ...definedOnly(context.options) };
}

/** Backend settings, falling back to the topology model named by `training.model` or the agent's `model`. */
function backendSettings(context: TrainerContext) {
  const { agent } = context;
  const settings = trainingSettings(context);
  const { models, training } = context.settings;
  const model = models.find((m) => m.id === (training?.model ?? agent.model));
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

export function createTrainerActors(context: TrainerContext) {
  const { logger } = context;
  return {
    trainRun: fromPromise<TrainingJob, RunCompleted>(async ({ input, signal }) => {
      const backend = await context.trainingBackend(backendSettings(context));
      const rounds = (await context.events.read()).flatMap((event) =>
        event.type === "round.closed.v1" ? [event] : [],
      );
      const job = await trainRun({
        runId: input.runId,
        examples: acceptedSamples(rounds).map(sampleToChat),
        runDir: context.runDir,
        backend,
        hyperparameters: trainingSettings(context).hyperparameters,
        pollMs: trainingSettings(context).pollMs,
        producer: context.instance,
        publish: (update, msgId) => context.publish(STAGES.trainingUpdated, update, msgId),
        signal,
      });
      logger.info({ job: job.id, status: job.status, model: job.fineTunedModel }, "training finished");
      return job;
    }),
  };
}

export const trainerAgent = defineAgent({
  type: "trainer",
  description: "fine-tunes a model on the run's dataset once it reaches its target",
  options: TrainerOptions,
  consumes: { [STAGES.runCompleted]: RunCompleted },
  produces: { [STAGES.trainingUpdated]: TrainingUpdated },
  create: (context) => ({
    stages: { [STAGES.runCompleted]: trainerMachine.provide({ actors: createTrainerActors(context) }) },
  }),
});
