import type { RunSnapshot, Standing } from "../../wire.ts";
import { el, panel, svg, table } from "../dom.ts";
import { percent } from "../format.ts";

type Interval = Standing["defence"];

function withMargin({ rating, ci95: [lo, hi] }: Interval): string {
  return `${Math.round(rating)} ± ${Math.round((hi - lo) / 2)}`;
}

/** The 95% interval as a line with the rating as a dot, on a scale shared by the whole table. */
function intervalBar(interval: Interval, scale: readonly [number, number]): SVGSVGElement {
  const [min, max] = scale;
  const x = (v: number) => 2 + ((v - min) / Math.max(1, max - min)) * 96;
  const [lo, hi] = interval.ci95;
  return svg(
    "svg",
    { viewBox: "0 0 100 10", class: "interval", "aria-hidden": "true" },
    svg("line", { x1: x(lo), y1: 5, x2: x(hi), y2: 5, class: "interval-range" }),
    svg("circle", { cx: x(interval.rating), cy: 5, r: 2.5, class: "interval-point" }),
  );
}

function rating(interval: Interval, scale: readonly [number, number]): HTMLElement {
  const [lo, hi] = interval.ci95;
  return el(
    "span",
    { class: "rating", title: `95% interval ${Math.round(lo)}-${Math.round(hi)}` },
    withMargin(interval),
    intervalBar(interval, scale),
  );
}

/** Attacker and defender ratings with their 95% intervals, best defender first. */
export function standingsPanel(run: RunSnapshot): HTMLElement {
  const bounds = run.standings.flatMap((row) => [...row.attack.ci95, ...row.defence.ci95]);
  const scale = [Math.min(...bounds), Math.max(...bounds)] as const;
  const rows = run.standings.map((row) => [
    row.model,
    rating(row.defence, scale),
    rating(row.attack, scale),
    row.games,
    percent(row.defenderSuccessRate),
    row.invalid,
  ]);
  return panel(
    "Tournament standings",
    { testId: "standings" },
    rows.length > 0
      ? table(["model", "defence", "attack", "games", "defended", "invalid questions"], rows, {
          "data-testid": "standings-table",
        })
      : el("p", { class: "muted" }, "No judged rounds yet."),
  );
}
