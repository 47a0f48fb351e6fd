import type { RunSnapshot } from "../../wire.ts";
import { type Child, el, panel, table } from "../dom.ts";
import { count, formatDuration, money, tokens } from "../format.ts";

function stat(label: string, value: string, testId: string): HTMLElement {
  return el(
    "div",
    { class: "stat" },
    el("span", { class: "stat-value", "data-testid": testId }, value),
    el("span", { class: "stat-label" }, label),
  );
}

export function statusBadge(status: RunSnapshot["status"], live: boolean): HTMLElement {
  const text = status === "running" && !live ? "no live agents" : status.replace(/_/g, " ");
  return el(
    "span",
    {
      class: `badge badge-${status === "running" ? (live ? "live" : "idle") : "done"}`,
      "data-testid": "run-status",
    },
    text,
  );
}

/** Progress toward the target, pace, spend and the time left. */
export function overviewPanel(run: RunSnapshot): HTMLElement {
  const target = run.target ?? 0;
  const eta = run.status !== "running" ? "done" : run.etaMs === null ? "–" : formatDuration(run.etaMs);
  return el(
    "section",
    { class: "panel overview", "data-testid": "overview" },
    el(
      "div",
      { class: "run-title" },
      el("h2", {}, run.runId),
      statusBadge(run.status, run.live),
      run.topologyName !== undefined && el("span", { class: "muted" }, `topology ${run.topologyName}`),
    ),
    el("progress", {
      max: Math.max(1, target),
      value: Math.min(run.accepted, Math.max(1, target)),
      "aria-label": "accepted of target",
    }),
    el(
      "div",
      { class: "stats" },
      stat(
        "accepted / target",
        `${count(run.accepted)} / ${run.target === undefined ? "?" : count(target)}`,
        "accepted",
      ),
      stat("rounds / min", run.roundsPerMinute.toFixed(1), "rounds-per-minute"),
      stat("tokens", tokens(run.tokens), "tokens"),
      stat("cost", money(run.costUsd), "cost"),
      stat("ETA", eta, "eta"),
      stat("elapsed", formatDuration(run.elapsedMs), "elapsed"),
      stat("in flight", count(run.inFlight), "in-flight"),
      stat(
        "rejected / failed / cancelled",
        `${count(run.rejected)} / ${count(run.failed)} / ${count(run.cancelled)}`,
        "rejected",
      ),
      stat("wasted", `${(run.wastedShare * 100).toFixed(1)}%`, "wasted"),
    ),
    run.status !== "running" && el("p", { class: "muted" }, run.reason),
    run.deadLetters > 0 &&
      el("p", { class: "warning" }, `${run.deadLetters} invalid messages went to the dead-letter subject`),
  );
}

/** Tokens and money per model and role. */
export function usagePanel(run: RunSnapshot): HTMLElement {
  const rows: Child[][] = run.usage.map((u) => [
    u.model,
    u.role,
    count(u.calls),
    tokens(u.promptTokens),
    tokens(u.completionTokens),
    u.costUsd === undefined ? "no price" : money(u.costUsd),
  ]);
  return panel(
    "Tokens and cost",
    { testId: "usage" },
    rows.length > 0
      ? table(["model", "role", "calls", "prompt", "completion", "cost"], rows)
      : el("p", { class: "muted" }, "No closed rounds yet."),
  );
}
