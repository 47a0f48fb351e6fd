import type { RoundRow, RunSnapshot } from "../../wire.ts";
import { el, pageLink, panel } from "../dom.ts";

function roundState(row: RoundRow): string {
  if (!row.status) return row.stage;
  return row.reasonCode ? `${row.status} (${row.reasonCode.replace(/_/g, " ")})` : row.status;
}

function roundLine(runId: string, row: RoundRow, open: boolean): HTMLElement {
  return el(
    "li",
    { class: `round status-${row.status ?? "open"}${open ? " open" : ""}`, "data-round": row.roundId },
    pageLink(
      { run: runId, round: row.roundId },
      { "aria-current": open ? "true" : undefined },
      el("span", { class: "round-seq" }, `#${row.seq}`),
      el(
        "span",
        { class: "round-meta" },
        `${row.domain}/${row.skill} · c${row.complexity} · ${row.attacker} → ${row.defender}`,
      ),
      el("span", { class: "round-state" }, roundState(row), row.level && ` · ${row.level}`),
      el("span", { class: "round-question" }, row.question ?? "(no question yet)"),
    ),
  );
}

/** Newest rounds first; each opens in the round panel. */
export function roundsPanel(run: RunSnapshot, openRoundId: string | undefined): HTMLElement {
  const hidden = run.roundCount - run.rounds.length;
  return panel(
    "Rounds",
    { testId: "rounds" },
    run.rounds.length > 0
      ? el(
          "ol",
          { class: "round-list", "data-testid": "round-list" },
          ...run.rounds.map((row) => roundLine(run.runId, row, row.roundId === openRoundId)),
        )
      : el("p", { class: "muted" }, "No rounds yet."),
    hidden > 0 && el("p", { class: "muted" }, `${hidden} older rounds not listed.`),
  );
}
