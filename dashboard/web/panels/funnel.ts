import type { RunSnapshot } from "../../wire.ts";
import { funnelChart } from "../charts.ts";
import { el, panel, table } from "../dom.ts";

/** Rounds stage by stage, and why the closed ones that were not accepted were turned away. */
export function funnelPanel(run: RunSnapshot): HTMLElement {
  const { funnel } = run;
  const steps = [
    { label: "opened", value: funnel.opened },
    { label: "proposed", value: funnel.proposed },
    { label: "not duplicate", value: funnel.notDuplicate },
    { label: "answered", value: funnel.answered },
    { label: "judged valid", value: funnel.judgedValid },
    { label: "accepted", value: funnel.accepted },
  ];
  const reasons = Object.entries(run.rejections).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  return panel(
    "Funnel",
    { testId: "funnel" },
    funnelChart(steps, "rounds reaching each stage", "funnel-chart"),
    el("h3", {}, "Rejections by reason"),
    reasons.length > 0
      ? table(
          ["reason", "rounds"],
          reasons.map(([reason, n]) => [reason.replace(/_/g, " "), n]),
          { "data-testid": "rejections" },
        )
      : el("p", { class: "muted" }, "None yet."),
  );
}
