import { fromPromise, setup } from "xstate";
import type { RunCompleted } from "../protocol/messages.ts";
import type { TrainingJob } from "../protocol/training.ts";
import type { StageInput, StageOutput } from "./emission.ts";

/**
 * Trainer: when a run reaches its dataset target, fine-tune on it. The training itself (export, submit, follow,
 * publish progress) is the `trainRun` actor the agent provides; a run that ended any other way is left alone.
 * A failure to train throws, so the host redelivers the event and a restarted Trainer resumes the same job.
 */
export const trainerMachine = setup({
  types: {
    input: {} as StageInput<RunCompleted>,
    context: {} as StageInput<RunCompleted>,
    output: {} as StageOutput,
  },
  actors: {
    trainRun: fromPromise<TrainingJob, RunCompleted>(async () => {
      throw new Error("trainRun not provided");
    }),
  },
  guards: { targetReached: ({ context }) => context.message.status === "target_reached" },
}).createMachine({
  id: "trainer",
  context: ({ input }) => input,
  initial: "deciding",
  states: {
    deciding: { always: [{ guard: "targetReached", target: "training" }, { target: "done" }] },
    training: { invoke: { src: "trainRun", input: ({ context }) => context.message, onDone: "done" } },
    done: { type: "final" },
  },
  output: () => ({ emit: [] }),
});
