import type { RejectionReason, RoundClosed } from "../bus/messages.ts";
import type { CloseStatus, RoundSpec, TokenUsage } from "../core/schemas.ts";

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
  usage: TokenUsage[];
}

/** The round.closed emission for a round that ends at this stage. */
export function closeRound(
  input: StageInput<RoundMessage>,
  stage: string,
  status: CloseStatus,
  reasonCode: RejectionReason | undefined,
  reason: string,
  extra: Partial<Pick<RoundClosed, "sample" | "verdict" | "novelty" | "usage">> = {},
): Emission {
  const message: RoundClosed = {
    type: "round.closed.v1",
    runId: input.message.runId,
    at: input.now,
    producer: input.producer,
    spec: input.message.spec,
    usage: input.message.usage,
    status,
    reasonCode,
    reason,
    stage,
    complexity: input.message.spec.complexity,
    ...extra,
  };
  return { stage: "round.closed", message };
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
