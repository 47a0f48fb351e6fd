import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { DatasetCardInput, renderDatasetCard, writeDatasetCard } from "../../curation/export/dataset-card.ts";
import { choiceSample, sample } from "./support/samples.ts";

const samples = [sample(1), sample(2, { skill: "ratios", complexity: 4 }), choiceSample];
const report = DatasetCardInput.parse({
  runId: "run-7",
  rounds: 12,
  target: 3,
  byReason: { duplicate: 5, quality_band: 2 },
  usage: [
    {
      model: "alpha",
      role: "attacker",
      calls: 12,
      promptTokens: 9000,
      completionTokens: 3000,
      costUsd: 0.0125,
    },
    { model: "judge", role: "judge", calls: 10, promptTokens: 20000, completionTokens: 4000 },
  ],
  totalTokens: 36000,
  totalCostUsd: 0.0125,
  noveltyThreshold: 0.88,
  decontamination: {
    benchmarks: [{ file: "gsm8k", items: 1319, malformedLines: 0 }],
    similarityThreshold: 0.9,
    ngramSize: 8,
    ngramOverlap: 0.5,
    checked: 14,
    rejected: 1,
    rejections: [
      {
        text: "Janet's ducks lay 20 eggs | per day...",
        similarity: 0.97,
        ngramOverlap: 1,
        nearest: { file: "gsm8k", line: 1, text: "Janet’s ducks" },
      },
    ],
  },
  standings: [{ ignored: true }],
});

describe("renderDatasetCard", () => {
  const card = renderDatasetCard(samples, report);
  const section = (title: string) => card.split(`## ${title}`)[1]?.split("\n## ")[0] ?? "";

  test("starts with Hugging Face front matter and names the run", () => {
    expect(card.startsWith("---\nlanguage:\n- en\n")).toBe(true);
    expect(card).toContain("size_categories:\n- n<1K");
    expect(card).toContain("# NanoFlux dataset run-7");
  });

  test("counts samples by level, outcome, complexity, domain and skill", () => {
    expect(card).toContain("| L4 | 2 | 66.7% |");
    expect(card).toContain("| L5 | 1 | 33.3% |");
    expect(card).toContain("| defended | 1 | 33.3% |");
    expect(card).toContain(
      "### By skill\n\n| skill | samples | share |\n|---|---|---|\n| percentages | 1 | 33.3% |",
    );
    expect(card).toContain("| medical | 1 | 33.3% |");
  });

  test("draws the novelty histogram from each sample's similarity", () => {
    const novelty = section("Novelty");
    expect(novelty).toContain("at or above 0.88 were rejected");
    expect(novelty).toContain("| 0.4–0.5 | 2 | ████████████████████ |");
    expect(novelty).toContain("| 0.8–0.9 | 1 | ██████████ |");
    expect(novelty).toContain("| 0.0–0.1 | 0 |  |");
  });

  test("reports decontamination, curation and cost, escaping table cells", () => {
    const decon = section("Decontamination");
    expect(decon).toContain("| gsm8k | 1319 | 0 |");
    expect(decon).toContain("Checked 14 questions; rejected 1 (7.1%).");
    expect(decon).toContain("| Janet's ducks lay 20 eggs \\| per day... | gsm8k:1 | 0.970 | 1.00 |");
    expect(section("Curation")).toContain("Kept 3 samples out of 12 rounds (target 3).");
    expect(section("Curation")).toContain("| duplicate | 5 |");
    const cost = section("Models and cost");
    expect(cost).toContain("| attacker | alpha (3) |");
    expect(cost).toContain("| alpha | attacker | 12 | 9000 | 3000 | $0.0125 |");
    expect(cost).toContain("| judge | judge | 10 | 20000 | 4000 | – |");
    expect(cost).toContain("Total tokens: 36000; total cost: $0.0125.");
  });

  test("says plainly what is unknown when the run left no report", () => {
    const bare = renderDatasetCard(samples, DatasetCardInput.parse({}));
    expect(bare).toContain("No decontamination report was recorded for this run.");
    expect(bare).toContain("total cost: unknown (no prices configured)");
  });
});

test("writeDatasetCard writes README.md into the folder", async () => {
  const dir = await mkdtemp(join(tmpdir(), "nf-card-"));
  const path = await writeDatasetCard(dir, { samples, report });
  expect(path).toBe(join(dir, "README.md"));
  expect(await readFile(path, "utf8")).toBe(renderDatasetCard(samples, report));
  await rm(dir, { recursive: true, force: true });
});
