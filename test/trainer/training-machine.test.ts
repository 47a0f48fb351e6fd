import { describe, expect, it } from "vitest";
import { createActor, fromPromise, toPromise } from "xstate";
import { trainerMachine } from "../../machines/trainer.ts";
import type { RunCompleted } from "../../protocol/messages.ts";
import type { TrainingJob } from "../../protocol/training.ts";

const completed = (status: RunCompleted["status"]): RunCompleted => ({
  type: "run.completed.v1",
  runId: "run-t",
  at: "2026-01-01T00:00:00.000Z",
  producer: "scheduler",
  status,
  reason: "",
  accepted: 20,
  rounds: 31,
});

const job: TrainingJob = {
  id: "ft-1",
  backend: "openai",
  status: "succeeded",
  baseModel: "m",
  updatedAt: "2026-01-01T00:00:00.000Z",
};

function run(message: RunCompleted, train: (input: RunCompleted) => Promise<TrainingJob>) {
  const machine = trainerMachine.provide({
    actors: { trainRun: fromPromise(({ input }) => train(input as RunCompleted)) },
  });
  const actor = createActor(machine, {
    input: { message, now: message.at, producer: "trainer", maxAttempts: 1 },
  });
  actor.start();
  return toPromise(actor);
}

describe("trainerMachine", () => {
  it("trains when the run reached its target", async () => {
    const trained: string[] = [];
    const output = await run(completed("target_reached"), async (input) => {
      trained.push(input.runId);
      return job;
    });
    expect(trained).toEqual(["run-t"]);
    expect(output).toEqual({ emit: [] });
  });

  it("leaves runs that ended another way alone", async () => {
    for (const status of ["max_rounds", "budget", "stopped", "failed"] as const) {
      await expect(
        run(completed(status), async () => expect.fail(`trained a ${status} run`)),
      ).resolves.toEqual({ emit: [] });
    }
  });

  it("fails when training cannot be done, so the event is redelivered", async () => {
    await expect(
      run(completed("target_reached"), async () => Promise.reject(new Error("NATS down"))),
    ).rejects.toThrow("NATS down");
  });
});
