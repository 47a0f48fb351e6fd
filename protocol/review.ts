import { z } from "zod";
import { hasControls } from "./printable.ts";
import { Level } from "./schemas.ts";

/**
 * A person's review of a round, as it travels on the run's stream: who decided what about which sample, and
 * what they changed. Reviews are events like any other, so they are durable, replayable and seen live by every
 * reader; the export applies them.
 */

/** What a reviewer does: keep a sample, turn it away, keep it with changes, or only say how they judge it. */
export const ReviewAction = z.enum(["approve", "reject", "edit", "assess"]);
export type ReviewAction = z.infer<typeof ReviewAction>;

export const ReviewReason = z.enum([
  "wrong_answer",
  "ill_posed",
  "low_quality",
  "off_target",
  "duplicate",
  "unsafe",
  "other",
]);
export type ReviewReason = z.infer<typeof ReviewReason>;

/** Reasons that say the question or its reference answer is not valid, in the sense of the Judge's validity. */
export const INVALIDATING_REASONS: ReadonlySet<ReviewReason> = new Set(["wrong_answer", "ill_posed"]);
/** Reasons that find fault with a question that is valid as written. */
export const VALID_BUT_REJECTED_REASONS: ReadonlySet<ReviewReason> = new Set(["low_quality", "off_target"]);

export const REVIEW_LIMITS = {
  reviewer: 64,
  note: 2_000,
  text: 20_000,
  referenceAnswer: 2_000,
  step: 4_000,
  steps: 50,
} as const;

const NO_CONTROLS = "remove control characters (escape codes, bidirectional overrides)";

/** Text a person wrote: any language, line breaks allowed, no controls. */
export function personText(max: number) {
  return z
    .string()
    .trim()
    .max(max)
    .refine((text) => !hasControls(text), NO_CONTROLS);
}

/**
 * A name people recognise, kept printable so it reads the same on every page and in every log. Compatibility
 * forms are folded (NFKC), so "𝓪𝓭𝓪" and "ada" are one reviewer, and so are composed and decomposed accents.
 */
export const ReviewerName = z
  .string()
  .transform((name) => name.normalize("NFKC").trim())
  .pipe(
    z
      .string()
      .min(1, "give the reviewer's name")
      .max(REVIEW_LIMITS.reviewer)
      .regex(/^[\p{L}\p{M}\p{N} ._@'-]+$/u, "use letters, digits, spaces and . _ @ ' - only"),
  );

export const ReviewNote = personText(REVIEW_LIMITS.note);

/** Fields of a sample's question a reviewer may change; each absent field is left as it was. */
export const QuestionEdits = z
  .strictObject({
    text: personText(REVIEW_LIMITS.text).pipe(z.string().min(1)).optional(),
    referenceAnswer: personText(REVIEW_LIMITS.referenceAnswer).pipe(z.string().min(1)).optional(),
    solutionSteps: z
      .array(personText(REVIEW_LIMITS.step).pipe(z.string().min(1)))
      .min(1)
      .max(REVIEW_LIMITS.steps)
      .optional(),
  })
  .refine((edits) => Object.values(edits).some((value) => value !== undefined), {
    message: "change at least one of text, referenceAnswer, solutionSteps",
  });
export type QuestionEdits = z.infer<typeof QuestionEdits>;
export type EditedField = keyof QuestionEdits;
export const EDITED_FIELDS: readonly EditedField[] = ["text", "referenceAnswer", "solutionSteps"];

/** The reviewer's own call on the round, to set against the Judge's. */
export const ReviewAssessment = z.strictObject({
  valid: z.boolean(),
  level: Level.optional(),
});
export type ReviewAssessment = z.infer<typeof ReviewAssessment>;
