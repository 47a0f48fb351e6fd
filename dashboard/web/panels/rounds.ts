import type { RoundRow } from "../../wire.ts";
import { el, pageLink, panel } from "../dom.ts";

function roundState(row: RoundRow): string {
  if (!row.status) return row.stage;
  return row.reasonCode ? `${row.status} (${row.reasonCode.replace(/_/g, " ")})` : row.status;
}

function roundLine(address: Readonly<Record<string, string>>, row: RoundRow, open: boolean): HTMLElement {
  return el(
    "li",
    { class: `round status-${row.status ?? "open"}${open ? " open" : ""}`, "data-round": row.roundId },
    pageLink(
      { ...address, round: row.roundId },
      { "aria-current": open ? "true" : undefined },
      el("span", { class: "round-seq" }, `#${row.seq}`),
      el(
        "span",
        { class: "round-meta" },
        `${row.domain}/${row.skill} · c${row.complexity} · ${row.attacker} → ${row.defender}`,
      ),
      el("span", { class: "round-state" }, roundState(row), row.level && ` · ${row.level}`),
      row.review?.status &&
        el(
          "span",
          { class: `review-badge review-${row.review.status}`, "data-testid": "review-badge" },
          `${row.review.status} by ${row.review.reviewers.join(", ")}`,
        ),
      row.status === "accepted" &&
        !row.review?.status &&
        row.flags.length > 0 &&
        el("span", { class: "flag-badge", title: row.flags.join(", ") }, `check: ${row.flags.join(", ")}`),
      el("span", { class: "round-question" }, row.question ?? "(no question yet)"),
    ),
  );
}

export interface ListedRounds {
  rows: readonly RoundRow[];
  /** Rounds that match, listed or not. */
  total: number;
  filtered: boolean;
}

/**
 * Newest rounds first; each opens in the round panel. `address` is the page's address without the round (the
 * run and the filters): opening a round keeps the list as it is.
 */
export function roundsPanel(
  address: Readonly<Record<string, string>>,
  listed: ListedRounds,
  openRoundId: string | undefined,
): HTMLElement {
  const hidden = listed.total - listed.rows.length;
  const empty = listed.filtered ? "No round matches these filters." : "No rounds yet.";
  return panel(
    listed.filtered ? `Rounds (${listed.total} match)` : "Rounds",
    { testId: "rounds" },
    listed.rows.length > 0
      ? el(
          "ol",
          { class: "round-list", "data-testid": "round-list" },
          ...listed.rows.map((row) => roundLine(address, row, row.roundId === openRoundId)),
        )
      : el("p", { class: "muted" }, empty),
    hidden > 0 &&
      el("p", { class: "muted" }, `${hidden} older rounds not listed: narrow the filters to see them.`),
  );
}
