import type { RunReport, UsageRow } from "../curation/run-report.ts";
import { renderTable } from "../terminal/table.ts";
import { formatStandingsTable } from "../tournament/standings-table.ts";

/** Tokens and money per model and role. */
export function renderUsageTable(rows: UsageRow[]): string {
  return renderTable(
    ["model", "role", "calls", "prompt tok", "completion tok", "cost"],
    rows.map((u) => [
      u.model,
      u.role,
      u.calls,
      u.promptTokens,
      u.completionTokens,
      u.costUsd === undefined ? "-" : `$${u.costUsd.toFixed(4)}`,
    ]),
  );
}

function countsLine(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? "-" : entries.map(([k, v]) => `${k}=${v}`).join("  ");
}

/** The table printed at the end of a run. */
export function renderSummary(report: RunReport, datasetPath: string | undefined): string {
  const overview = renderTable(
    [
      "run",
      "status",
      "accepted",
      "target",
      "rounds",
      "rejected",
      "failed",
      "cancelled",
      "tokens",
      "wasted",
      "cost",
    ],
    [
      [
        report.runId,
        report.status,
        report.accepted,
        report.target,
        report.rounds,
        report.rejected,
        report.failed,
        report.cancelled,
        report.totalTokens,
        `${(report.wastedShare * 100).toFixed(1)}%`,
        report.totalCostUsd === undefined ? "-" : `$${report.totalCostUsd.toFixed(4)}`,
      ],
    ],
  );
  const breakdown = renderTable(
    ["what", "counts"],
    [
      ["not kept, by reason", countsLine(report.byReason)],
      ["judged by outcome", countsLine(report.byOutcome)],
      ["judged by level", countsLine(report.judgedByLevel)],
      ["accepted by level", countsLine(report.acceptedByLevel)],
      ["accepted by complexity", countsLine(report.acceptedByComplexity)],
      ["accepted by domain", countsLine(report.acceptedByDomain)],
    ],
  );
  const lines = [overview, "", breakdown, "", renderUsageTable(report.usage), ""];
  if (report.standings.length > 0) lines.push(formatStandingsTable(report.standings), "");
  lines.push(`reason: ${report.reason}`);
  lines.push(
    `wasted: ${report.wastedTokens} of ${report.totalTokens} tokens went to rounds that ended without a sample for a reason other than its own quality (failed or cancelled)`,
  );
  if (report.accepted > report.target) {
    lines.push(
      `${report.accepted - report.target} sample(s) beyond the target came from rounds already in flight when it was reached: kept, since they were paid for`,
    );
  }
  if (report.cachedCalls)
    lines.push(
      `response cache: ${report.cachedCalls} answers reused, ${report.savedTokens ?? 0} tokens not paid again`,
    );
  if (datasetPath) lines.push(`dataset: ${datasetPath} (${report.accepted} samples)`);
  return lines.join("\n");
}
