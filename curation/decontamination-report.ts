import type { RunEvent } from "../protocol/messages.ts";
import type { DecontaminationReport } from "../protocol/run-report.ts";
import type { ContaminationCheck, DecontaminationIndex } from "../protocol/schemas.ts";

/** Rejections listed by text in the report; the count covers them all. */
const MAX_LISTED_REJECTIONS = 200;

/**
 * The run's decontamination report, put together from the bus: the benchmark indexes curator replicas
 * announced, and the check each round carries (on question.screened when it passed, on round.closed when the
 * screen closed it). Curators on any host are counted, and a curator killed mid-run loses nothing.
 */
export class DecontaminationTally {
  readonly #benchmarks = new Map<string, DecontaminationIndex["benchmarks"][number]>();
  #limits: Omit<DecontaminationIndex, "benchmarks"> | undefined;
  readonly #checks = new Map<string, { text: string; check: ContaminationCheck }>();

  add(event: RunEvent): void {
    if (event.type === "decontamination.indexed.v1") {
      const { benchmarks, similarityThreshold, ngramSize, ngramOverlap } = event;
      this.#limits ??= { similarityThreshold, ngramSize, ngramOverlap };
      for (const benchmark of benchmarks) this.#benchmarks.set(benchmark.file, benchmark);
      return;
    }
    if (event.type !== "question.screened.v1" && event.type !== "round.closed.v1") return;
    const check = event.novelty?.contamination;
    const text = event.question?.text;
    // A round is counted once, whether its check is seen on its screen, its close or both.
    if (check && text !== undefined && !this.#checks.has(event.spec.roundId))
      this.#checks.set(event.spec.roundId, { text, check });
  }

  /** Undefined when no curator announced an index: decontamination was off. */
  report(): DecontaminationReport | undefined {
    if (!this.#limits) return undefined;
    const rejected = [...this.#checks.values()].filter(({ check }) => check.contaminated);
    return {
      benchmarks: [...this.#benchmarks.values()],
      ...this.#limits,
      checked: this.#checks.size,
      rejected: rejected.length,
      rejections: rejected.slice(0, MAX_LISTED_REJECTIONS).map(({ text, check }) => ({
        text,
        similarity: check.similarity,
        ngramOverlap: check.ngramOverlap,
        ...(check.nearest ? { nearest: check.nearest } : {}),
      })),
    };
  }
}
