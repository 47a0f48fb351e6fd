import { z } from "zod";
import { DecontaminationReport, UsageRow } from "../../protocol/run-report.ts";

/** What the dataset card reads from the run's report.json; the report has this shape, extra keys ignored. */
export const DatasetCardInput = z.object({
  title: z.string().optional(),
  runId: z.string().optional(),
  status: z.string().optional(),
  reason: z.string().optional(),
  target: z.number().int().positive().optional(),
  rounds: z.number().int().nonnegative().optional(),
  /** Reason code -> rounds that ended without a sample. */
  byReason: z.record(z.string(), z.number().int().nonnegative()).default({}),
  usage: z.array(UsageRow).default([]),
  totalTokens: z.number().int().nonnegative().optional(),
  totalCostUsd: z.number().nonnegative().nullish(),
  /** Answers replayed from the response cache, and the tokens they had cost: in none of the totals. */
  cachedCalls: z.number().int().nonnegative().optional(),
  savedTokens: z.number().int().nonnegative().optional(),
  noveltyThreshold: z.number().optional(),
  decontamination: DecontaminationReport.optional(),
});
export type DatasetCardInput = z.infer<typeof DatasetCardInput>;
