import type { RoundDetail, RunListItem, RunSnapshot } from "../wire.ts";
import { el } from "./dom.ts";
import { fetchRound, followUpdates } from "./live.ts";
import { agentsPanel } from "./panels/agents.ts";
import { funnelPanel } from "./panels/funnel.ts";
import { overviewPanel, usagePanel } from "./panels/overview.ts";
import { qualityPanel } from "./panels/quality.ts";
import { roundDetailPanel } from "./panels/round-detail.ts";
import { roundsPanel } from "./panels/rounds.ts";
import { runList } from "./panels/run-list.ts";
import { standingsPanel } from "./panels/standings.ts";

/** The page: keeps the latest snapshot of each run, renders the selected one, and opens rounds on demand. */

interface OpenRound {
  key: string;
  /** The round's row when it was fetched: a change in stage or status means there is more to fetch. */
  version: string;
  detail?: RoundDetail;
  problem?: string;
}

const page = {
  runs: [] as RunListItem[],
  snapshots: new Map<string, RunSnapshot>(),
  open: undefined as OpenRound | undefined,
  problem: undefined as string | undefined,
};

function byId(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}: dashboard/web/index.html and main.ts disagree`);
  return node;
}

/** The run and round in the address (`#run=<id>&round=<id>`); with no run, the newest run. */
function route(): { runId?: string; roundId?: string } {
  const params = new URLSearchParams(location.hash.slice(1));
  return { runId: params.get("run") ?? page.runs[0]?.runId, roundId: params.get("round") ?? undefined };
}

/** The open round, fetched again whenever its row shows it moved on. */
function openRound(run: RunSnapshot, roundId: string): OpenRound {
  const row = run.rounds.find((r) => r.roundId === roundId);
  const key = `${run.runId}/${roundId}`;
  const version = row ? `${row.stage}/${row.status ?? ""}` : "";
  if (page.open?.key === key && page.open.version === version) return page.open;
  const open: OpenRound = { key, version, detail: page.open?.key === key ? page.open.detail : undefined };
  page.open = open;
  void fetchRound(run.runId, roundId).then(
    (detail) => {
      open.detail = detail;
      scheduleRender();
    },
    (err: unknown) => {
      open.problem = String(err);
      scheduleRender();
    },
  );
  return open;
}

function detailView(open: OpenRound | undefined): HTMLElement {
  if (open?.detail) return roundDetailPanel(open.detail);
  return el(
    "section",
    { class: "panel muted" },
    open?.problem ?? (open ? "Loading the round…" : "Open a round to see it in full."),
  );
}

/** What the detail slot shows now; redrawn only when that changes, so reading or selecting text there survives updates. */
let shownDetail: unknown = null;

function render(): void {
  const { runId, roundId } = route();
  byId("runs").replaceChildren(runList(page.runs, runId));
  const run = runId === undefined ? undefined : page.snapshots.get(runId);
  const waiting = runId ? `Waiting for events of ${runId}…` : "Waiting for runs on the stream…";
  byId("notice").textContent = page.problem ?? (run ? "" : waiting);
  if (!run) {
    for (const slot of ["panels", "round-list", "round-detail"]) byId(slot).replaceChildren();
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
  byId("round-list").replaceChildren(roundsPanel(run, roundId));
  const open = roundId ? openRound(run, roundId) : undefined;
  const detailState = open?.detail ?? open?.problem ?? open?.key;
  if (detailState !== shownDetail) {
    shownDetail = detailState;
    byId("round-detail").replaceChildren(detailView(open));
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
