import type { RecordedEvent } from "../bus/run-events.ts";
import type { ReviewRecorded } from "../protocol/messages.ts";
import { printable } from "../protocol/printable.ts";

const COLOURS: Record<string, number> = {
  scheduler: 90,
  attacker: 31,
  defender: 34,
  judge: 35,
  curator: 32,
  trainer: 33,
  dashboard: 93,
};

function colour(code: number, text: string): string {
  return `\u001b[${code}m${text}\u001b[0m`;
}

/** One line of model- or person-written text, its controls shown as codes rather than acted on. */
function clip(text: string, max = 90): string {
  const flat = printable(text.replace(/\s+/g, " ").trim());
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function detail(recorded: RecordedEvent): string {
  const { event } = recorded;
  switch (event.type) {
    case "round.opened.v1":
      return `${event.spec.attacker} attacks ${event.spec.defender} · ${event.spec.domain}/${event.spec.skill} · complexity ${event.spec.complexity}`;
    case "question.proposed.v1":
      return clip(event.question.text);
    case "question.screened.v1":
      return `novel (max similarity ${event.novelty.maxSimilarity.toFixed(2)})`;
    case "answer.submitted.v1":
      return `answer ${clip(event.answer.finalAnswer, 30)} (reference ${clip(event.question.referenceAnswer, 30)})`;
    case "verdict.issued.v1":
      return event.verdict.valid
        ? `${event.verdict.outcome} · ${event.verdict.level} (${event.verdict.score.toFixed(2)}) · ${clip(event.verdict.reason, 60)}`
        : `${event.verdict.outcome} · ${clip(event.verdict.reason, 80)}`;
    case "round.closed.v1":
      return `${event.status.toUpperCase()}${event.reasonCode ? ` (${event.reasonCode})` : ""} · ${clip(event.reason, 70)}`;
    case "run.started.v1":
      return `target ${event.target} · domains ${event.domains.join(", ")}`;
    case "run.completed.v1":
      return `${event.status} · accepted ${event.accepted} in ${event.rounds} rounds`;
    case "training.updated.v1":
      return `fine-tune ${event.job.id}: ${event.job.status}${event.event ? ` · ${clip(event.event.message, 60)}` : ""}`;
    case "dlq.v1":
      return `dead letter from ${event.subject}${recorded.errorCode ? ` [${recorded.errorCode}]` : ""}: ${clip(event.reason, 60)}`;
    case "usage.recorded.v1":
      return event.cached
        ? `${event.model} as ${event.role}: from the response cache, ${event.cached.promptTokens} + ${event.cached.completionTokens} tokens saved`
        : `${event.model} as ${event.role}: ${event.promptTokens} + ${event.completionTokens} tokens`;
    case "review.recorded.v1":
      return reviewDetail(event);
    case "decontamination.indexed.v1":
      return `checking against ${event.benchmarks.map((b) => `${b.file} (${b.items})`).join(", ") || "no benchmarks"}`;
  }
}

function reviewDetail(review: ReviewRecorded): string {
  const edited = review.edits ? ` ${Object.keys(review.edits).join(", ")}` : "";
  const reason = review.reason ? ` (${review.reason})` : "";
  const assessment = review.assessment
    ? ` · judged ${review.assessment.valid ? "valid" : "invalid"}${review.assessment.level ? ` ${review.assessment.level}` : ""}`
    : "";
  const note = review.note ? ` · ${clip(review.note, 50)}` : "";
  return `${clip(review.reviewer, 64)} ${review.action}${reason}${edited}${assessment}${note}`;
}

/** One coloured line per event for a TTY: round id first so a round's events read as a group, agent coloured. */
export function formatEventLine(recorded: RecordedEvent): string {
  const { event } = recorded;
  const round = "spec" in event ? event.spec.roundId : "roundId" in event ? (event.roundId ?? "run") : "run";
  const agent = event.producer.split("-")[0] ?? event.producer;
  const stage = event.type.replace(/\.v\d+$/, "");
  // Every part comes from the stream, where anyone who may publish can write anything: controls are shown as codes.
  return `${colour(36, printable(round).padEnd(8))} ${colour(COLOURS[agent] ?? 37, printable(agent).padEnd(9))} ${printable(stage).padEnd(18)} ${printable(detail(recorded))}`;
}
