import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../protocol/errors.ts";
import { Hyperparameters, isTerminal, type TrainingJob } from "../../protocol/training.ts";
import type { TrainingBackend, TrainingDataset } from "../../trainer/backend.ts";
import { writeChatJsonl } from "../../trainer/chat-export.ts";
import { followJob } from "../../trainer/follow-job.ts";
import { waitFor } from "../support/nats.ts";
import { samples } from "./fixtures/samples.ts";

export interface BackendHarness {
  backend: TrainingBackend;
  cleanup(): Promise<void>;
}

/** Settings for a job that finishes quickly, and one that runs long enough to be cancelled mid-way. */
export const QUICK = Hyperparameters.parse({ epochs: 3, batchSize: 2 });
export const SLOW = Hyperparameters.parse({ epochs: 400, batchSize: 1 });

/**
 * The contract every TrainingBackend adapter keeps, run against each (the OpenAI-compatible API on the
 * simulator, GPU hosts on a real nats-server). Adapters differ in speed, not in behaviour.
 */
export function trainingBackendSpec(name: string, start: () => Promise<BackendHarness>): void {
  describe(`TrainingBackend spec: ${name}`, () => {
    let harness: BackendHarness;
    let dir: string;
    const dataset = async (count: number, runId = "run-spec"): Promise<TrainingDataset> => {
      const file = join(dir, `${runId}-${count}.chat.jsonl`);
      await writeChatJsonl(samples(count), file);
      return { runId, file, samples: count };
    };

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "nanoflux-backend-"));
      harness = await start();
    });
    afterAll(async () => {
      await harness?.cleanup();
      await rm(dir, { recursive: true, force: true });
    });

    it("trains a submitted dataset to a new model, reporting progress on the way", async () => {
      const { backend } = harness;
      const submitted = await backend.submit(await dataset(6), QUICK);
      expect(submitted.backend).toBe(backend.name);
      expect(isTerminal(submitted.status)).toBe(false);
      const seen: TrainingJob["status"][] = [];
      const onUpdate = async (job: TrainingJob, event?: unknown) => {
        if (!event) seen.push(job.status);
      };
      const final = await followJob(backend, submitted, { pollMs: 25, onUpdate });
      expect(final).toMatchObject({ id: submitted.id, status: "succeeded", baseModel: submitted.baseModel });
      expect(final.fineTunedModel).toBeTruthy();
      expect(seen.at(-1)).toBe("succeeded");
      expect(await backend.status(submitted.id)).toMatchObject({
        status: "succeeded",
        fineTunedModel: final.fineTunedModel,
      });

      const steps = (await backend.events(submitted.id)).flatMap((event) =>
        event.progress?.step === undefined ? [] : [event.progress],
      );
      expect(steps.length).toBeGreaterThan(1);
      expect(steps.every((p) => typeof p.loss === "number")).toBe(true);
      const order = steps.map((p) => p.step ?? 0);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    });

    it("cancels a job that has not finished, and leaves a finished one as it is", async () => {
      const { backend } = harness;
      const submitted = await backend.submit(await dataset(3), SLOW);
      const cancelled = await backend.cancel(submitted.id);
      expect(cancelled.status).toBe("cancelled");
      await waitFor(
        async () => (await backend.status(submitted.id)).status === "cancelled",
        10_000,
        "cancelled status",
      );
      expect((await backend.cancel(submitted.id)).status).toBe("cancelled");
      expect((await backend.status(submitted.id)).fineTunedModel).toBeUndefined();
    });

    it("says when a job id is unknown", async () => {
      await expect(harness.backend.status("ft-unknown")).rejects.toBeInstanceOf(ConfigError);
    });
  });
}
