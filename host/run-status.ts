import type { KV } from "@nats-io/kv";
import { z } from "zod";
import type { Logger } from "../log/logger.ts";
import { RejectionReason } from "../protocol/messages.ts";
import { stateKeys } from "../protocol/subjects.ts";
import type { RunState } from "./definition.ts";

/**
 * Whether a run still wants work done. The scheduler marks a run as draining once it will open no more rounds
 * (its target or budget reached): the rounds in flight go on, since what they bring still counts. It marks it
 * completed when nothing is left in flight; every agent watches the mark, so a late delivery after that closes
 * at once instead of spending tokens.
 */
export const RunStatus = z.object({
  phase: z.enum(["running", "draining", "completed"]),
  reasonCode: RejectionReason,
  reason: z.string(),
});
export type RunStatus = z.infer<typeof RunStatus>;

/** Marks the run's status for every agent (the scheduler does). */
export async function setRunStatus(state: Pick<RunState, "write">, status: RunStatus): Promise<void> {
  await state.write(stateKeys.run, RunStatus.parse(status));
}

export interface RunStatusWatch {
  /** The draining or completed status, once the scheduler has set one. */
  readonly closing: RunStatus | undefined;
  stop(): Promise<void>;
}

export async function watchRunStatus(kv: KV, runId: string, logger: Logger): Promise<RunStatusWatch> {
  let closing: RunStatus | undefined;
  const watch = await kv.watch({ key: stateKeys.run(runId) });
  const loop = (async () => {
    for await (const entry of watch) {
      if (entry.operation !== "PUT") continue;
      const parsed = RunStatus.safeParse(entry.json());
      if (!parsed.success) {
        logger.warn({ key: entry.key }, "ignoring an invalid run status");
        continue;
      }
      closing = parsed.data.phase === "running" ? undefined : parsed.data;
    }
  })();
  return {
    get closing() {
      return closing;
    },
    stop: async () => {
      watch.stop();
      await loop;
    },
  };
}
