import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveEvaluation } from "../../eval/results.ts";
import { wilsonInterval } from "../../eval/statistics.ts";
import { exited, spawnNanoflux } from "../support/child-agent.ts";
import { itemResults } from "./support/item-results.ts";

/** `nanoflux compare --base`: the baseline a user names, the documented default, and a clear refusal. */

async function writeResult(dir: string, label: string, startedAt: string, correct: boolean[], tuned = false) {
  const items = itemResults(correct);
  const k = correct.filter(Boolean).length;
  await saveEvaluation(
    dir,
    {
      type: "eval.summary.v1",
      label,
      model: label,
      baseUrl: "http://x/v1",
      benchmark: "gsm8k",
      file: "gsm8k.jsonl",
      selection: {},
      n: items.length,
      correct: k,
      errors: 0,
      accuracy: k / items.length,
      ci95: wilsonInterval(k, items.length),
      skippedLines: 0,
      startedAt,
      durationMs: 1,
      ...(tuned ? { training: { trainedTokens: 100, tokensEstimated: false, epochs: 1 } } : {}),
    },
    items,
  );
}

async function nanoflux(args: string[]) {
  const child = spawnNanoflux(args, {});
  return { code: await exited(child), output: child.output() };
}

describe("nanoflux compare --base", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "nanoflux-compare-"));
    const half = Array.from({ length: 40 }, (_, i) => i % 2 === 0);
    const most = Array.from({ length: 40 }, (_, i) => i % 5 !== 0);
    // A folder gives its results by label: "a-nanoflux" comes first, but it is a fine-tune.
    await writeResult(dir, "a-nanoflux", "2026-02-01T00:00:00.000Z", most, true);
    await writeResult(dir, "base", "2026-02-02T00:00:00.000Z", half);
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it("defaults to the base model, takes --base, and refuses an unknown label with exit 2", async () => {
    const [byDefault, named, unknown] = await Promise.all([
      nanoflux(["compare", dir]),
      nanoflux(["compare", dir, "--base", "a-nanoflux"]),
      nanoflux(["compare", dir, "--base", "nope"]),
    ]);
    expect(byDefault.code, byDefault.output).toBe(0);
    expect(byDefault.output).toMatch(/a-nanoflux vs base/);
    expect(byDefault.output).toMatch(/baseline: base \(the first result given without a recorded fine-tune/);
    expect(named.code, named.output).toBe(0);
    expect(named.output).toMatch(/base vs a-nanoflux/);
    expect(named.output).toMatch(/baseline: a-nanoflux \(named by --base\)/);
    expect(unknown.code).toBe(2);
    expect(unknown.output).toMatch(
      /--base nope: no result is labelled "nope"; the labels here are a-nanoflux, base/,
    );
  });
});
