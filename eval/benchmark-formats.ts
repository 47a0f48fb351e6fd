import { z } from "zod";

/**
 * The two upstream benchmark line formats, kept as they ship (shared/benchmarks/README.md), and the one item
 * shape evaluation works on. A line's format is told by its keys, so any JSONL of either shape loads.
 */

/** GSM-Hard `{input, code, target}` and GSM8K `{input, target}`: scored by numeric value. */
export const GsmRecord = z.object({
  input: z.string().min(1),
  target: z.number().refine(Number.isFinite, "target must be a finite number"),
  code: z.string().optional(),
});

/** medagents-style multiple choice (medqa, medmcqa, pubmedqa, mmlu): scored by option letter. */
export const ChoiceRecord = z
  .object({
    question: z.string().min(1),
    options: z.record(z.string().regex(/^[A-Z]$/, "option keys are capital letters"), z.string()),
    answer_idx: z.string(),
    realidx: z.union([z.string(), z.number()]).optional(),
  })
  .refine((record) => record.answer_idx in record.options, {
    message: "answer_idx names no option",
    path: ["answer_idx"],
  });

export interface BenchmarkItem {
  /** Stable within a file (upstream `realidx`, else the line number): pairs results of two evaluations. */
  id: string;
  question: string;
  kind: "numeric" | "choice";
  /** Choice items: letter -> option text, in letter order. */
  options?: Record<string, string>;
  /** The number as text, or the option letter. */
  answer: string;
}

export type ParsedLine = { ok: true; item: BenchmarkItem } | { ok: false; reason: string };

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
}

function sortedOptions(options: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(options).sort(([a], [b]) => a.localeCompare(b)));
}

/** One non-empty JSONL line -> an item, or why it is not one. */
export function parseBenchmarkLine(text: string, lineNumber: number): ParsedLine {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `not JSON (${(err as Error).message})` };
  }
  if (raw !== null && typeof raw === "object" && "input" in raw) {
    const gsm = GsmRecord.safeParse(raw);
    if (!gsm.success) return { ok: false, reason: `GSM item: ${describeIssues(gsm.error)}` };
    const { input, target } = gsm.data;
    return {
      ok: true,
      item: { id: `line-${lineNumber}`, question: input, kind: "numeric", answer: String(target) },
    };
  }
  if (raw !== null && typeof raw === "object" && "question" in raw) {
    const choice = ChoiceRecord.safeParse(raw);
    if (!choice.success)
      return { ok: false, reason: `multiple-choice item: ${describeIssues(choice.error)}` };
    const { question, options, answer_idx, realidx } = choice.data;
    const id = realidx === undefined ? `line-${lineNumber}` : String(realidx);
    return {
      ok: true,
      item: { id, question, kind: "choice", options: sortedOptions(options), answer: answer_idx },
    };
  }
  return {
    ok: false,
    reason: "neither a GSM item {input, target} nor a multiple-choice item {question, options, answer_idx}",
  };
}
