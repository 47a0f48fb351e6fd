import { fromPromise } from "xstate";
import { z } from "zod";
import type { AgentContext, AgentDefinition } from "../agents/definition.ts";
import { RunCompleted } from "../bus/messages.ts";
import { readRunEvents } from "../bus/run-events.ts";
import { STAGES } from "../bus/subjects.ts";
import { ConfigError } from "../core/errors.ts";
import { acceptedSamples } from "../runner/run-report.ts";
import { createBackend } from "./backends.ts";
import { Hyperparameters, TrainingBackendName, type TrainingJob, TrainingUpdated } from "./messages.ts";
import { trainRun } from "./train-run.ts";
import { trainerMachine } from "./training-machine.ts";

export const TrainerOptions = z.strictObject({
  backend: TrainingBackendName.default("openai"),
  baseModel: z.string().min(1).optional().describe("model to fine-tune; default: the agent's topology model"),
  baseUrl: z.url().optional().describe("fine-tuning API root; default: the agent's topology model's baseUrl"),
  apiKeyEnv: z.string().optional(),
  hyperparameters: Hyperparameters.default(Hyperparameters.parse({})),
  pollMs: z.number().int().positive().default(2000),
});
export type TrainerOptions = z.infer<typeof TrainerOptions>;

/** Backend settings from the options, falling back to the topology model named by the agent's `model`. */
function backendSettings(context: AgentContext<TrainerOptions>) {
  const { options, agent, topology } = context;
  const model = topology.models.find((m) => m.id === agent.model);
  const baseModel = options.baseModel ?? model?.model;
  if (!baseModel) {
    throw new ConfigError(
      "agents[type=trainer]: give options.baseModel or a model id in `model` to say what to fine-tune",
    );
  }
  return {
    backend: options.backend,
    baseModel,
    baseUrl: options.baseUrl ?? model?.baseUrl,
    apiKeyEnv: options.apiKeyEnv ?? model?.apiKeyEnv,
    producer: context.instance,
  };
}

export function createTrainerActors(context: AgentContext<TrainerOptions>) {
  const { bus, logger } = context;
  return {
    trainRun: fromPromise<TrainingJob, RunCompleted>(async ({ input, signal }) => {
      const backend = await createBackend(backendSettings(context), { env: process.env, nats: bus.nc });
      const rounds = (await readRunEvents(bus.js, input.runId)).flatMap(({ event }) =>
        event.type === "round.closed.v1" ? [event] : [],
      );
      const job = await trainRun({
        runId: input.runId,
        samples: acceptedSamples(rounds),
        runDir: context.runDir,
        backend,
        hyperparameters: context.options.hyperparameters,
        pollMs: context.options.pollMs,
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
