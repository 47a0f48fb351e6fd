import { createHash } from "node:crypto";
import { hostname } from "node:os";
import type { Bus } from "../bus/bus.ts";
import { isWrongLastSequence } from "../bus/jetstream-errors.ts";
import { sameValue } from "../curation/reviews.ts";
import { ReviewRecorded } from "../protocol/messages.ts";
import { EDITED_FIELDS, type QuestionEdits } from "../protocol/review.ts";
import type { Question } from "../protocol/schemas.ts";
import { reviewStage, runStageSubject, STREAM_NAME } from "../protocol/subjects.ts";
import type { RunBoard } from "./run-board.ts";
import type { ReviewRequest, WriteProblem } from "./wire.ts";

export type ReviewOutcome =
  | { ok: true; seq: number; duplicate: boolean }
  | { ok: false; status: 400 | 404 | 409; problem: WriteProblem };

const refused = (
  status: 400 | 404 | 409,
  error: string,
  field?: string,
  lastSeq?: number,
): ReviewOutcome => ({
  ok: false,
  status,
  problem: { error, field, lastSeq },
});

/** The fields of `edits` that change the question as it stands, with what they held: an edit that changes nothing is no edit. */
function changes(
  current: Question,
  edits: QuestionEdits,
): { edits: Partial<QuestionEdits>; before: Partial<Pick<Question, keyof QuestionEdits>> } {
  const changed: Partial<QuestionEdits> = {};
  const before: Partial<Pick<Question, keyof QuestionEdits>> = {};
  for (const field of EDITED_FIELDS) {
    const value = edits[field];
    if (value === undefined || sameValue(value, current[field])) continue;
    Object.assign(changed, { [field]: value });
    Object.assign(before, { [field]: current[field] });
  }
  return { edits: changed, before };
}

/**
 * Records reviewers' decisions on the run's stream. Each goes to its round's own subject with the last review the
 * reviewer saw as the expected last sequence, so JetStream itself refuses a decision taken on a stale view, however
 * many dashboards write; the page's request id (with a hash of the request) is the message id, so a retried
 * request is recorded once.
 */
export class ReviewWriter {
  private readonly producer = `dashboard-${hostname()}`;

  constructor(
    private readonly bus: Bus,
    private readonly board: RunBoard,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The sequence JetStream checks against: the stream's own last message on the round's review subject. */
  private async lastOnSubject(runId: string, roundId: string): Promise<number> {
    try {
      const last = await this.bus.jsm.streams.getMessage(STREAM_NAME, {
        last_by_subj: runStageSubject(runId, reviewStage(roundId)),
      });
      return last?.seq ?? 0;
    } catch {
      // The stream could not say (a moment without a leader): the board's view is the next best answer.
      return this.board.lastReviewSeq(runId, roundId);
    }
  }

  async record(runId: string, roundId: string, request: ReviewRequest): Promise<ReviewOutcome> {
    const round = this.board.round(runId, roundId);
    if (!round) return refused(404, `run ${runId} has no round ${roundId} this dashboard has seen`);
    const { action } = request;
    if (action !== "assess" && round.decision?.status !== "accepted")
      return refused(
        400,
        "only kept samples (accepted rounds) can be approved, rejected or edited; record your judgement of this round with assess",
        "action",
      );
    if (!round.verdict)
      return refused(400, "the Judge has not judged this round yet: there is nothing to review", "action");
    let edited: ReturnType<typeof changes> | undefined;
    if (request.edits) {
      if (!round.question) return refused(400, "this round has no question to edit", "edits");
      edited = changes({ ...round.question, ...round.review?.edits }, request.edits);
      if (Object.keys(edited.edits).length === 0)
        return refused(400, "the edit changes nothing: the sample already reads like that", "edits");
    }
    // The request id and what it asks: the same request again is recorded once (one message id), another one
    // under a reused id is not taken for it.
    const fingerprint = createHash("sha256").update(JSON.stringify(request)).digest("hex").slice(0, 16);
    const event = ReviewRecorded.safeParse({
      type: "review.recorded.v1",
      runId,
      at: this.clock().toISOString(),
      producer: this.producer,
      reviewId: `rv-${request.requestId}-${fingerprint}`,
      roundId,
      reviewer: request.reviewer,
      action,
      reason: request.reason,
      note: request.note || undefined,
      edits: edited?.edits,
      before: edited?.before,
      assessment: request.assessment,
      basedOn: request.basedOn,
    });
    if (!event.success) {
      const issue = event.error.issues[0];
      return refused(400, issue?.message ?? "invalid review", issue?.path.join("."));
    }
    try {
      const published = await this.bus.publish(
        runId,
        reviewStage(roundId),
        ReviewRecorded,
        event.data,
        `${runId}:${roundId}:review:${request.requestId}-${fingerprint}`,
        { expectLastSubjectSequence: request.basedOn },
      );
      return { ok: true, ...published };
    } catch (err) {
      if (!isWrongLastSequence(err)) throw err;
      return refused(
        409,
        "someone else reviewed this sample since you opened it: look at their decision, then decide again",
        "basedOn",
        await this.lastOnSubject(runId, roundId),
      );
    }
  }
}
