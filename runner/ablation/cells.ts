import type { Level, Sample } from "../../protocol/schemas.ts";
import type { AblationSpec } from "./spec.ts";

/** One slice of the dataset: a quality level, a complexity, a size, and (when listed) a domain. */
export interface Cell {
  id: string;
  level: Level;
  complexity: number;
  size: number;
  domain?: string;
}

export function ablationCells(spec: AblationSpec): Cell[] {
  const domains: Array<string | undefined> = spec.domains ?? [undefined];
  return spec.levels.flatMap((level) =>
    spec.complexities.flatMap((complexity) =>
      spec.sizes.flatMap((size) =>
        domains.map((domain) => ({
          id: [level, `c${complexity}`, `n${size}`, ...(domain ? [domain] : [])].join("-"),
          level,
          complexity,
          size,
          ...(domain ? { domain } : {}),
        })),
      ),
    ),
  );
}

/** The cell's samples, in the order they were kept, at most its size. */
export function sliceFor(samples: readonly Sample[], cell: Cell): Sample[] {
  return samples
    .filter(
      (s) =>
        s.verdict.level === cell.level &&
        s.complexity === cell.complexity &&
        (cell.domain === undefined || s.domain === cell.domain),
    )
    .slice(0, cell.size);
}

/**
 * Samples the generation run must keep so every cell can be filled: one run keeping everything, sliced
 * afterwards, pays for each question once and keeps the cells alike in all but the sliced variable.
 */
export function generationTarget(spec: AblationSpec): number {
  const buckets = spec.levels.length * spec.complexities.length * (spec.domains?.length ?? 1);
  return buckets * Math.max(...spec.sizes);
}
