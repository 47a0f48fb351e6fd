import { readFile } from "node:fs/promises";
import { z } from "zod";
import { ConfigError } from "../../../../protocol/errors.ts";
import { formatNumber } from "../arithmetic.ts";
import { parseJsonText } from "../text.ts";
import type { SimItem } from "./item.ts";

/**
 * Answer keys from benchmark JSONL files, so simulated models can sit an evaluation: GSM-Hard / GSM8K lines
 * `{input, target}` and multiple-choice lines `{question, options, answer_idx}`, in their upstream formats.
 */

const NumericLine = z.object({ input: z.string().min(1), target: z.union([z.number(), z.string()]) });
const ChoiceLine = z.object({
  question: z.string().min(1),
  options: z.record(z.string(), z.string()),
  answer_idx: z.string().min(1),
});

const NUMBER_WORDS =
  /\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twice|half|double|triple|dozen|thirds?|quarters?)\b/gi;

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Benchmarks carry no hop count: estimate it from how many quantities a word problem mentions. */
export function numericHops(question: string): number {
  const quantities =
    (question.match(/\d[\d,]*(?:\.\d+)?/g)?.length ?? 0) + (question.match(NUMBER_WORDS)?.length ?? 0);
  return clamp(quantities - 1, 1, 8);
}

/** ... and for multiple choice, from how much a vignette asks the reader to take in. */
export function choiceHops(question: string): number {
  return clamp(Math.round(question.split(/\s+/).length / 60) + 1, 1, 5);
}

export function benchmarkItem(line: string): SimItem | undefined {
  const raw = parseJsonText(line);
  const numeric = NumericLine.safeParse(raw);
  if (numeric.success) {
    const answer = Number(numeric.data.target);
    if (!Number.isFinite(answer)) return undefined;
    const question = numeric.data.input;
    return {
      kind: "numeric",
      question,
      answer,
      referenceAnswer: formatNumber(answer),
      hops: numericHops(question),
      solutionSteps: [],
    };
  }
  const choice = ChoiceLine.safeParse(raw);
  if (!choice.success || !(choice.data.answer_idx in choice.data.options)) return undefined;
  const { question, options, answer_idx } = choice.data;
  return {
    kind: "choice",
    question,
    options,
    answer: answer_idx,
    referenceAnswer: answer_idx,
    hops: choiceHops(question),
    solutionSteps: [],
  };
}

export async function loadBenchmarkItems(file: string): Promise<SimItem[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new ConfigError(
      `simulator benchmark file ${file} cannot be read (${(err as Error).message}); fix the path in simulator.benchmarks`,
      { cause: err },
    );
  }
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  const items = lines.map(benchmarkItem).filter((item): item is SimItem => item !== undefined);
  if (lines.length > 0 && items.length === 0) {
    throw new ConfigError(
      `simulator benchmark file ${file}: no line is {input, target} (GSM) or {question, options, answer_idx} (multiple choice); give a JSONL file in one of those formats`,
    );
  }
  return items;
}
