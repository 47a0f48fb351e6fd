import "../run-list.css";
import type { RunListItem } from "../../wire.ts";
import { el, pageLink } from "../dom.ts";
import { statusBadge } from "./overview.ts";

/**
 * Which run the page shows, and every run on the stream. The header holds one button with the run on show;
 * it opens a popover listing the runs, to search and sort, so hundreds of runs fit. The page calls runList on
 * every render and puts the button into the header; the popover lives under <body> where renders do not
 * reach, so what someone types there, and where they are in the list, survives them.
 */

type Order = "newest" | "oldest" | "status";
const ORDERS: Readonly<Record<Order, string>> = {
  newest: "newest first",
  oldest: "oldest first",
  status: "by status",
};
const POPOVER_ID = "run-picker";

interface Row {
  readonly item: HTMLLIElement;
  readonly link: HTMLAnchorElement;
  /** What the row was drawn from: it is drawn again only when that changes. */
  drawn?: string;
}

interface Picker {
  readonly button: HTMLButtonElement;
  readonly search: HTMLInputElement;
  readonly order: HTMLSelectElement;
  readonly tally: HTMLElement;
  readonly list: HTMLUListElement;
  readonly rows: Map<string, Row>;
  runs: readonly RunListItem[];
  selected?: string;
}

let picker: Picker | undefined;

/** The button that shows the selected run and opens the list of all runs (newest first unless sorted otherwise). */
export function runList(runs: readonly RunListItem[], selected: string | undefined): HTMLElement {
  if (!picker) {
    picker = createPicker();
  } else if (picker.runs === runs && picker.selected === selected) {
    return picker.button;
  }
  picker.runs = runs;
  picker.selected = selected;
  drawButton(picker);
  drawList(picker);
  return picker.button;
}

function createPicker(): Picker {
  const search = el("input", {
    type: "search",
    placeholder: "Search runs and topologies",
    "aria-label": "search runs by id or topology",
    autofocus: "",
  });
  const order = el(
    "select",
    { "aria-label": "sort runs" },
    ...Object.entries(ORDERS).map(([value, label]) => el("option", { value }, label)),
  );
  const tally = el("p", { class: "run-picker-tally muted", "aria-live": "polite" });
  const list = el("ul", { class: "run-picker-list" });
  const popover = el(
    "div",
    { id: POPOVER_ID, popover: "auto", class: "run-picker", role: "dialog", "aria-label": "runs" },
    el("div", { class: "run-picker-tools" }, search, order),
    tally,
    list,
  );
  const button = el("button", {
    type: "button",
    class: "run-picker-button",
    popovertarget: POPOVER_ID,
    "data-testid": "run-picker",
  });
  const created: Picker = { button, search, order, tally, list, rows: new Map(), runs: [] };
  search.addEventListener("input", () => drawList(created));
  order.addEventListener("change", () => drawList(created));
  // Enter in the search box opens the first run that matches.
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") list.querySelector("a")?.click();
  });
  list.addEventListener("click", (event) => {
    if (event.target instanceof Element && event.target.closest("a")) popover.hidePopover();
  });
  // Under the button, wherever the header put it.
  popover.addEventListener("beforetoggle", (event) => {
    if (event.newState !== "open") return;
    const { left, bottom } = button.getBoundingClientRect();
    popover.style.left = `${Math.max(8, left)}px`;
    popover.style.top = `${bottom + 6}px`;
  });
  popover.addEventListener("toggle", (event) => {
    if (event.newState !== "open") return;
    const current = created.selected === undefined ? undefined : created.rows.get(created.selected);
    current?.item.scrollIntoView({ block: "nearest" });
  });
  document.body.append(popover);
  return created;
}

function drawButton({ button, runs, selected }: Picker): void {
  button.disabled = runs.length === 0;
  if (runs.length === 0) {
    button.replaceChildren("no runs yet");
    return;
  }
  const run = runs.find((r) => r.runId === selected);
  button.replaceChildren(
    el("span", { class: "run-id" }, selected ?? "choose a run"),
    ...(run ? [el("span", { class: "run-progress" }, progress(run)), statusBadge(run.status, run.live)] : []),
    el("span", { class: "run-picker-more" }, `${runs.length} ${runs.length === 1 ? "run" : "runs"} ▾`),
  );
}

function drawList(picker: Picker): void {
  const { runs, rows, list, tally } = picker;
  const order = picker.order.value;
  const shown = sorted(matching(runs, picker.search.value), isOrder(order) ? order : "newest");
  tally.textContent =
    shown.length === runs.length ? `${runs.length} runs` : `${shown.length} of ${runs.length} runs match`;
  const wanted = new Set(shown.map((run) => run.runId));
  for (const [runId, row] of rows) {
    if (wanted.has(runId)) continue;
    row.item.remove();
    rows.delete(runId);
  }
  // Rows are moved only when their place changes: a row someone is on keeps its focus through updates.
  shown.forEach((run, i) => {
    const row = rows.get(run.runId) ?? newRow(rows, run.runId);
    drawRow(row, run, run.runId === picker.selected);
    const there = list.children[i];
    if (there !== row.item) list.insertBefore(row.item, there ?? null);
  });
}

function newRow(rows: Map<string, Row>, runId: string): Row {
  const link = pageLink({ run: runId }, { "data-run": runId });
  const row = { item: el("li", {}, link), link };
  rows.set(runId, row);
  return row;
}

function drawRow(row: Row, run: RunListItem, current: boolean): void {
  const drawn = JSON.stringify([run, current]);
  if (row.drawn === drawn) return;
  row.drawn = drawn;
  if (current) row.link.setAttribute("aria-current", "page");
  else row.link.removeAttribute("aria-current");
  row.link.replaceChildren(
    el("span", { class: "run-id" }, run.runId),
    statusBadge(run.status, run.live),
    el(
      "span",
      { class: "run-meta muted" },
      [run.topologyName ?? "no topology yet", progress(run), started(run.startedAt)].join(" · "),
    ),
  );
}

function progress(run: RunListItem): string {
  return `${run.accepted}/${run.target ?? "?"}`;
}

function started(startedAt: number | null): string {
  if (startedAt === null) return "not started";
  return `started ${new Date(startedAt).toLocaleString(undefined, { dateStyle: "short", timeStyle: "short" })}`;
}

/** Runs whose id or topology holds every word of the search, in any case. */
function matching(runs: readonly RunListItem[], search: string): RunListItem[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  return runs.filter((run) => {
    const text = `${run.runId} ${run.topologyName ?? ""}`.toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

function isOrder(value: string): value is Order {
  return Object.hasOwn(ORDERS, value);
}

/** A run with no event yet counts as the newest, as on the server. */
function startOf(run: RunListItem): number {
  return run.startedAt ?? Number.POSITIVE_INFINITY;
}

/** Live runs first, then runs with no live agent, then finished ones by how they ended. */
function statusRank(run: RunListItem): number {
  if (run.status !== "running") return 2;
  return run.live ? 0 : 1;
}

function sorted(runs: RunListItem[], order: Order): RunListItem[] {
  // Two runs not yet started subtract to NaN, which falls through to the run id as a tie would.
  const newest = (a: RunListItem, b: RunListItem) =>
    startOf(b) - startOf(a) || a.runId.localeCompare(b.runId);
  switch (order) {
    case "newest":
      return runs.sort(newest);
    case "oldest":
      return runs.sort((a, b) => startOf(a) - startOf(b) || a.runId.localeCompare(b.runId));
    case "status":
      return runs.sort(
        (a, b) => statusRank(a) - statusRank(b) || a.status.localeCompare(b.status) || newest(a, b),
      );
  }
}
