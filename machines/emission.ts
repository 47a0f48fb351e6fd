import { errorInfo } from "../protocol/errors.ts";
import type { RejectionReason, RoundClosed } from "../protocol/messages.ts";
import type { CloseStatus, Question, RoundSpec } from "../protocol/schemas.ts";

/** A message a machine wants published. The host validates it against the stage's schema and publishes it. */
export interface Emission {
  stage: string;
  message: unknown;
}

/** What every per-round stage machine ends with. */
export interface StageOutput {
  emit: Emission[];
}

/** Input every per-round stage machine receives: the inbound message plus the clock and the producer name. */
export interface StageInput<T> {
  message: T;
  now: string;
  producer: string;
  /** Model attempts before the round is closed as failed. */
  maxAttempts: number;
}

interface RoundMessage {
  runId: string;
  spec: RoundSpec;
  /** The round's question, on every message after the Attacker's. */
  question?: Question;
}

/** The round.closed emission for a round that ends at this stage. */
export function closeRound(
  input: StageInput<RoundMessage>,
  stage: string,
  status: CloseStatus,
  reasonCode: RejectionReason | undefined,
  reason: string,
  extra: Partial<Pick<RoundClosed, "sample" | "verdict" | "novelty">> = {},
): Emission {
  const message: RoundClosed = {
    type: "round.closed.v1",
    runId: input.message.runId,
    at: input.now,
    producer: input.producer,
    spec: input.message.spec,
    status,
    reasonCode,
    reason,
    stage,
    complexity: input.message.spec.complexity,
    // Whoever reads the close (a curator on another host, a report) learns the question without earlier events.
    ...(input.message.question ? { question: input.message.question } : {}),
    ...extra,
  };
  return { stage: "round.closed", message };
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The spend ledger refused a model call: the run cannot pay for this round, and retrying will not change it. */
export function refusedByBudget(error: unknown): boolean {
  return errorInfo(error).kind === "budget";
}

/** The round.closed emission for a round the budget can no longer pay for. */
export function cancelForBudget(input: StageInput<RoundMessage>, stage: string, error: unknown): Emission {
  return closeRound(input, stage, "cancelled", "budget", `round cancelled: ${errorText(error)}`);
}
