import { Field, Float64, Int32, Schema, Table, Utf8, vectorFromArray } from "apache-arrow";
import type { Sample } from "../../protocol/schemas.ts";
import { completionText, finalAnswer, promptText } from "./training-text.ts";

/**
 * Samples as a flat Arrow table for Parquet: `prompt` / `completion` (what TRL and Hugging Face datasets train
 * on) beside the metadata to filter by. Lists and maps travel as JSON text, so every column is flat.
 */

type ColumnSpec =
  | { name: string; type: "utf8"; nullable?: boolean; value: (s: Sample) => string | undefined }
  | { name: string; type: "int32"; value: (s: Sample) => number }
  | { name: string; type: "double"; value: (s: Sample) => number };

export function sampleColumns(system: string): ColumnSpec[] {
  return [
    { name: "id", type: "utf8", value: (s) => s.id },
    { name: "system", type: "utf8", value: () => system },
    { name: "prompt", type: "utf8", value: promptText },
    { name: "completion", type: "utf8", value: completionText },
    { name: "final_answer", type: "utf8", value: finalAnswer },
    { name: "question", type: "utf8", value: (s) => s.question.text },
    {
      name: "options_json",
      type: "utf8",
      nullable: true,
      value: (s) => s.question.options && JSON.stringify(s.question.options),
    },
    { name: "reference_answer", type: "utf8", value: (s) => s.question.referenceAnswer },
    { name: "solution_steps_json", type: "utf8", value: (s) => JSON.stringify(s.question.solutionSteps) },
    { name: "defender_answer", type: "utf8", value: (s) => s.answer.finalAnswer },
    { name: "domain", type: "utf8", value: (s) => s.domain },
    { name: "skill", type: "utf8", value: (s) => s.skill },
    { name: "complexity", type: "int32", value: (s) => s.complexity },
    { name: "hops", type: "int32", value: (s) => s.question.hops },
    { name: "level", type: "utf8", value: (s) => s.verdict.level },
    { name: "outcome", type: "utf8", value: (s) => s.verdict.outcome },
    { name: "score", type: "double", value: (s) => s.verdict.score },
    { name: "novelty_max_similarity", type: "double", value: (s) => s.novelty.maxSimilarity },
    { name: "attacker", type: "utf8", value: (s) => s.attacker },
    { name: "defender", type: "utf8", value: (s) => s.defender },
    { name: "judge", type: "utf8", value: (s) => s.judge },
    { name: "run_id", type: "utf8", value: (s) => s.runId },
    { name: "round_id", type: "utf8", value: (s) => s.roundId },
    { name: "accepted_at", type: "utf8", value: (s) => s.acceptedAt },
  ];
}

const ARROW_TYPES = { utf8: () => new Utf8(), int32: () => new Int32(), double: () => new Float64() };

export function samplesToTable(samples: readonly Sample[], system: string): Table {
  const columns = sampleColumns(system);
  const fields = columns.map(
    (c) => new Field(c.name, ARROW_TYPES[c.type](), c.type === "utf8" && c.nullable === true),
  );
  const schema = new Schema(fields);
  // Arrow cannot build a table from zero-length vectors; an empty table comes from the schema alone.
  if (samples.length === 0) return new Table(schema);
  const vectors = Object.fromEntries(
    columns.map((c, i) => [
      c.name,
      vectorFromArray(
        samples.map((s) => c.value(s) ?? null),
        (fields[i] as Field).type,
      ),
    ]),
  );
  return new Table(schema, vectors);
}
