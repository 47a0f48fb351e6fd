import { renderUsageTable } from "../runner/summary.ts";
import type { CostEstimate } from "./dry-run.ts";

/** The dry run's answer: what the whole run is expected to cost, and the sample it is based on. */
export function renderEstimate(estimate: CostEstimate): string {
  const rounds =
    estimate.estimatedRounds === undefined
      ? "unknown (nothing accepted in the sample)"
      : String(estimate.estimatedRounds);
  const usage = renderUsageTable(estimate.usage);
  return [
    `dry run: ${estimate.sampleRounds} simulated rounds, ${estimate.sampleAccepted} accepted (${(estimate.acceptanceRate * 100).toFixed(1)}%)`,
    `estimated rounds to reach ${estimate.target}: ${rounds}`,
    "",
    usage,
    "",
    `estimated tokens: ${estimate.estimatedTokens ?? "unknown"}`,
    `estimated cost: ${estimate.estimatedCostUsd === undefined ? "unknown (add price to the models)" : `$${estimate.estimatedCostUsd.toFixed(4)}`}`,
    "Token counts come from the real prompts and simulated answers; real answers may be longer or shorter.",
  ].join("\n");
}
