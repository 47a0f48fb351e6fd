import type { RunSnapshot } from "../../wire.ts";
import { barChart, rateChart } from "../charts.ts";
import { el, panel } from "../dom.ts";
import { percent } from "../format.ts";

const LEVELS = ["L1", "L2", "L3", "L4", "L5"];
const COMPLEXITIES = ["1", "2", "3", "4", "5"];

function bars(counts: Readonly<Record<string, number>>, keys: readonly string[]) {
  return keys.map((key) => ({ label: key, value: counts[key] ?? 0 }));
}

/** What was accepted, by reasoning level and by complexity, and how the defender fares against its target. */
export function qualityPanel(run: RunSnapshot): HTMLElement {
  const { defender } = run;
  return panel(
    "Accepted items and defender success",
    { testId: "quality", wide: true },
    el(
      "div",
      { class: "charts" },
      el(
        "figure",
        {},
        barChart(bars(run.acceptedByLevel, LEVELS), "accepted items by quality level", "chart-levels"),
        el("figcaption", {}, "by quality level"),
      ),
      el(
        "figure",
        {},
        barChart(
          bars(run.acceptedByComplexity, COMPLEXITIES),
          "accepted items by complexity",
          "chart-complexity",
        ),
        el("figcaption", {}, "by complexity"),
      ),
      el(
        "figure",
        {},
        rateChart(
          defender.points.map((p) => ({ x: p.game, y: p.rate })),
          defender.target,
          "defender success rate over time",
          "chart-defender",
        ),
        el(
          "figcaption",
          {},
          `defender success, last ${defender.window} games (overall ${percent(defender.overall)})`,
        ),
      ),
    ),
  );
}
