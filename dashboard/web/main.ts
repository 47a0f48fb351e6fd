import "./styles.css";
import type { RoundDetail, RoundPage, RoundRow, RunListItem, RunSnapshot, Session } from "../wire.ts";
import { el } from "./dom.ts";
import { bindReviewKeys } from "./keys.ts";
import { fetchRound, followUpdates } from "./live.ts";
import { agentsPanel } from "./panels/agents.ts";
import { renderCharts } from "./panels/charts.ts";
import { filterBar, filterParams, filtersFromAddress, hasFilters } from "./panels/filters.ts";
import { funnelPanel } from "./panels/funnel.ts";
import { overviewPanel, usagePanel } from "./panels/overview.ts";
import { qualityPanel } from "./panels/quality.ts";
import { reviewPane } from "./panels/review.ts";
import { reviewSummaryPanel } from "./panels/review-summary.ts";
import { roundDetailPanel } from "./panels/round-detail.ts";
import { type ListedRounds, roundsPanel } from "./panels/rounds.ts";
import { runList } from "./panels/run-list.ts";
import { standingsPanel } from "./panels/standings.ts";
import { adoptTokenFromAddress, fetchRounds, fetchSession, type RoundFilters } from "./review-api.ts";

/**
 * The page: keeps the latest snapshot of each run, renders the selected one, lists its rounds (filtered on the
 * server when a filter is set), and opens rounds on demand, with the review pane where a reviewer acts.
 */

interface OpenRound {
  key: string;
  /** The round's row when it was fetched: a change in stage, status or review means there is more to fetch. */
  version: string;
  detail?: RoundDetail;
  problem?: string;
}

/** The filtered round list of the run on show, fetched again when the filters or the run move on. */
interface FilteredRounds {
  key: string;
  page?: RoundPage;
  problem?: string;
}

const page = {
  runs: [] as RunListItem[],
  /** The rounds the list shows now, for the keys that step through them. */
  listed: [] as readonly RoundRow[],
  snapshots: new Map<string, RunSnapshot>(),
  open: undefined as OpenRound | undefined,
  filtered: undefined as FilteredRounds | undefined,
  session: undefined as Session | undefined,
  problem: undefined as string | undefined,
};

function byId(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}: dashboard/web/index.html and main.ts disagree`);
  return node;
}

/** Puts `node` in `slot` unless it is there already: moving a focused input would take the focus from it. */
function show(slot: HTMLElement, node: HTMLElement): void {
  if (slot.childNodes.length !== 1 || slot.firstChild !== node) slot.replaceChildren(node);
}

/** The run and round in the address (`#run=<id>&round=<id>`); with no run, the newest run. */
function route(): { runId?: string; roundId?: string } {
  const params = new URLSearchParams(location.hash.slice(1));
  return { runId: params.get("run") ?? page.runs[0]?.runId, roundId: params.get("round") ?? undefined };
}

/** Keeps what a fetch brings (or why it failed) in `target`, then redraws. */
function fetchInto<T>(target: { problem?: string }, fetching: Promise<T>, keep: (value: T) => void): void {
  void fetching
    .then(keep, (err: unknown) => {
      target.problem = String(err);
    })
    .finally(scheduleRender);
}

/** The rounds to list: the snapshot's newest ones, or the server's answer to the filters. */
function listedRounds(run: RunSnapshot, filters: RoundFilters): ListedRounds | undefined {
  if (!hasFilters(filters)) return { rows: run.rounds, total: run.roundCount, filtered: false };
  const key = `${run.runId}|${JSON.stringify(filters)}|${run.lastSeq}`;
  if (page.filtered?.key !== key) {
    const previous = page.filtered?.key.startsWith(`${run.runId}|${JSON.stringify(filters)}|`)
      ? page.filtered.page
      : undefined;
    const filtered: FilteredRounds = { key, page: previous };
    page.filtered = filtered;
    fetchInto(filtered, fetchRounds(run.runId, filters), (answer) => {
      filtered.page = answer;
    });
  }
  const answer = page.filtered?.page;
  return answer && { rows: answer.rows, total: answer.total, filtered: true };
}

/** The open round, fetched again whenever its row shows it moved on. */
function openRound(run: RunSnapshot, roundId: string, rows: readonly RoundRow[]): OpenRound {
  const row = rows.find((r) => r.roundId === roundId);
  const key = `${run.runId}/${roundId}`;
  const version = row ? `${row.stage}/${row.status ?? ""}/${row.review?.lastSeq ?? 0}` : "";
  if (page.open?.key === key && page.open.version === version) return page.open;
  const open: OpenRound = { key, version, detail: page.open?.key === key ? page.open.detail : undefined };
  page.open = open;
  fetchInto(open, fetchRound(run.runId, roundId), (detail) => {
    open.detail = detail;
  });
  return open;
}

function detailView(run: RunSnapshot, open: OpenRound | undefined): HTMLElement {
  if (open?.detail) {
    const pane = reviewPane(open.detail, {
      runId: run.runId,
      session: page.session,
      recorded: () => {
        // Fetch the round again at once; its row's version brings the decision in too, when the board has it.
        if (page.open === open) open.version = "";
        scheduleRender();
      },
    });
    return roundDetailPanel(open.detail, pane);
  }
  return el(
    "section",
    { class: "panel muted" },
    open?.problem ?? (open ? "Loading the round…" : "Open a round to see it in full and review it."),
  );
}

/** What the detail slot shows now; redrawn only when that changes, so reading, selecting or typing there survives updates. */
let shownDetail: unknown = null;

function render(): void {
  const { runId, roundId } = route();
  show(byId("runs"), runList(page.runs, runId));
  const run = runId === undefined ? undefined : page.snapshots.get(runId);
  const waiting = runId ? `Waiting for events of ${runId}…` : "Waiting for runs on the stream…";
  byId("notice").textContent = page.problem ?? (run ? "" : waiting);
  if (!run) {
    for (const slot of ["panels", "charts", "agreement", "round-list", "round-detail"])
      byId(slot).replaceChildren();
    shownDetail = null;
    return;
  }
  byId("panels").replaceChildren(
    overviewPanel(run),
    funnelPanel(run),
    standingsPanel(run),
    agentsPanel(run),
    qualityPanel(run),
    usagePanel(run),
  );
  renderCharts(byId("charts"), run);
  byId("agreement").replaceChildren(reviewSummaryPanel(run, page.session));
  const filters = filtersFromAddress();
  const listed = listedRounds(run, filters);
  show(byId("filters"), filterBar(filters, run.facets));
  byId("round-list").replaceChildren(
    listed
      ? roundsPanel({ run: run.runId, ...filterParams(filters) }, listed, roundId)
      : el("section", { class: "panel muted" }, page.filtered?.problem ?? "Filtering…"),
  );
  page.listed = listed?.rows ?? run.rounds;
  const open = roundId ? openRound(run, roundId, page.listed) : undefined;
  const detailState = open?.detail ?? open?.problem ?? open?.key;
  if (detailState !== shownDetail) {
    shownDetail = detailState;
    byId("round-detail").replaceChildren(detailView(run, open));
  }
}

let renderPending = false;
/** Many updates can arrive within one frame (a replay); the page draws once per frame. */
function scheduleRender(): void {
  if (renderPending) return;
  renderPending = true;
  requestAnimationFrame(() => {
    renderPending = false;
    render();
  });
}

adoptTokenFromAddress();
void fetchSession().then(
  (session) => {
    page.session = session;
    // The review pane was drawn without knowing whether it may write.
    shownDetail = null;
    scheduleRender();
  },
  (err: unknown) => {
    page.problem = `cannot ask the dashboard whether it takes reviews (${String(err)}); reload the page`;
    scheduleRender();
  },
);
followUpdates({
  update(update) {
    if (update.kind === "runs") page.runs = update.runs;
    else page.snapshots.set(update.run.runId, update.run);
    scheduleRender();
  },
  connection(state) {
    const badge = byId("connection");
    badge.textContent = state === "live" ? "live" : "reconnecting…";
    badge.className = `connection ${state}`;
  },
  problem(message) {
    page.problem = message;
    scheduleRender();
  },
});
window.addEventListener("hashchange", scheduleRender);
bindReviewKeys(() => ({
  rows: () => page.listed,
  openRound: route().roundId,
  open: (roundId) => {
    const params = new URLSearchParams(location.hash.slice(1));
    params.set("round", roundId);
    location.hash = `#${params}`;
    document
      .querySelector(`.round[data-round="${CSS.escape(roundId)}"]`)
      ?.scrollIntoView({ block: "nearest" });
  },
}));
