import { z } from "zod";
import { RUBRIC_DIMENSIONS } from "../protocol/role-outputs.ts";
import { DEFAULT_OPTION_LETTERS, DEFAULT_TOLERANCE } from "./answer-check.ts";

/**
 * The schema of `prompts/<domain>/pack.yaml`. Objects are strict, so a misspelt key is an error naming its
 * path instead of a setting silently ignored.
 */

/** Judge tools whose printed result can confirm a numeric reference answer (see domains/verdict.ts). */
export const COMPUTING_TOOLS = ["python", "calculator"] as const;

const Name = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "use lower-case letters, digits, '-' and '_'");

export const Skill = z.strictObject({
  name: Name.describe("the id the scheduler and the Attacker prompt use"),
  description: z.string().min(1).describe("one line saying what the skill exercises"),
});
export type Skill = z.infer<typeof Skill>;

const NumericAnswer = z.strictObject({
  format: z.literal("numeric"),
  tolerance: z.number().positive().max(0.1).default(DEFAULT_TOLERANCE).describe("relative tolerance"),
});

const ChoiceAnswer = z.strictObject({
  format: z.literal("choice"),
  options: z
    .array(z.string().regex(/^[A-J]$/, "use one capital letter A-J"))
    .min(2)
    .default([...DEFAULT_OPTION_LETTERS])
    .describe("the option letters every question offers"),
});

const RubricDimensionOverride = z.strictObject({
  description: z.string().min(1).optional(),
  weight: z.number().positive().default(1),
});

export const PackManifest = z
  .strictObject({
    name: Name,
    description: z.string().min(1),
    answer: z.discriminatedUnion("format", [NumericAnswer, ChoiceAnswer]),
    skills: z.array(Skill).min(1, "list at least one skill"),
    rubric: z.partialRecord(z.enum(RUBRIC_DIMENSIONS), RubricDimensionOverride).default({}),
    tools: z.array(Name).default([]).describe("tool names the Judge is offered"),
  })
  .superRefine((pack, ctx) => {
    const seen = new Set<string>();
    pack.skills.forEach((skill, i) => {
      if (seen.has(skill.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["skills", i, "name"],
          message: `duplicate skill "${skill.name}"`,
        });
      }
      seen.add(skill.name);
    });
    if (pack.answer.format === "choice" && new Set(pack.answer.options).size !== pack.answer.options.length) {
      ctx.addIssue({ code: "custom", path: ["answer", "options"], message: "option letters repeat" });
    }
    const computes = pack.tools.some((tool) => (COMPUTING_TOOLS as readonly string[]).includes(tool));
    if (pack.answer.format === "numeric" && !computes) {
      ctx.addIssue({
        code: "custom",
        path: ["tools"],
        message: `numeric packs verify reference answers with a tool; add one of ${COMPUTING_TOOLS.join(", ")}`,
      });
    }
  });
export type PackManifest = z.infer<typeof PackManifest>;
export type AnswerFormat = PackManifest["answer"]["format"];
