import { basename } from "node:path";
import { isDeepStrictEqual } from "node:util";
import type { CurationConfig } from "../config/topology.ts";
import { ConfigError } from "../protocol/errors.ts";

/**
 * Every curator of a run keeps by the same rules. A curator joining a run from another host with a topology
 * that says otherwise (a looser novelty threshold, another embedder, no benchmarks to keep out) would admit what
 * the run's other curators turn away, silently; it is refused instead, naming the field.
 */

/** The parts of `curation` that decide whether a sample is kept, in comparable form. */
function keepRules(curation: Partial<CurationConfig>): Record<string, unknown> {
  const decontamination = curation.decontamination;
  return {
    levels: curation.levels ? [...curation.levels].sort() : undefined,
    accept: curation.accept,
    noveltyThreshold: curation.noveltyThreshold,
    screenReplays: curation.screenReplays,
    embedder: curation.embedder,
    "decontamination.benchmarks": decontamination?.benchmarks.map((b) => basename(b)).sort(),
    "decontamination.similarityThreshold": decontamination?.similarityThreshold,
    "decontamination.ngramSize": decontamination?.ngramSize,
    "decontamination.ngramOverlap": decontamination?.ngramOverlap,
  };
}

/** Throws when this topology's keep rules differ from those the run was started with (its recorded topology). */
export function assertRunKeepRules(
  runId: string,
  recorded: Record<string, unknown>,
  own: CurationConfig,
): void {
  const theirs = keepRules((recorded.curation ?? {}) as Partial<CurationConfig>);
  const ours = keepRules(own);
  const differing = Object.keys(ours).filter((key) => !isDeepStrictEqual(ours[key], theirs[key]));
  if (differing.length === 0) return;
  const shown = differing
    .map(
      (key) =>
        `curation.${key}: ${JSON.stringify(ours[key])} here, ${JSON.stringify(theirs[key])} in the run`,
    )
    .join("; ");
  throw new ConfigError(
    `this curator would keep by other rules than run ${runId} was started with (${shown}); every curator of a run ` +
      "must keep by the same rules: join with the topology the run was started with",
  );
}
