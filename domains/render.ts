import { ConfigError } from "../protocol/errors.ts";
import type { Question } from "../protocol/schemas.ts";
import { dataBlock } from "./data-block.ts";
import type { PackManifest } from "./pack-manifest.ts";
import type { RubricSpec } from "./rubric.ts";
import { fillTemplate } from "./template.ts";

/**
 * Pure prompt rendering: a pack's templates plus one round's data -> the messages a role's model receives.
 * Model-written text only ever enters as a data block. The variables are listed in prompts/README.md.
 */

/** The Judge has two prompts: `judge-derive` (the question alone, blind) and `judge-grade` (the reference). */
export const PROMPT_ROLES = ["attacker", "defender", "judge-derive", "judge-grade"] as const;
export type PromptRole = (typeof PROMPT_ROLES)[number];

/** What the caller supplies per role. */
export interface RenderInput {
  attacker: {
    skill: string;
    /** Reasoning hops, 1-5: the template states it as an instruction. */
    complexity: number;
  };
  defender: { question: Pick<Question, "text" | "options"> };
  "judge-derive": { question: Pick<Question, "text" | "options"> };
  "judge-grade": { question: Question; derivedAnswer: string };
}

export interface RenderedPrompt {
  system: string;
  user: string;
}

export type RoleTemplates = Record<PromptRole, RenderedPrompt>;

/** Where a role's template lives in a pack folder: `attacker.system.md`, `judge-grade.user.md`, ... */
export function templateFile(role: PromptRole, part: keyof RenderedPrompt): string {
  return `${role}.${part}.md`;
}

/** Everything rendering needs from a pack. */
export interface PackContent {
  manifest: PackManifest;
  rubric: RubricSpec;
  templates: RoleTemplates;
}

const PACK_VARIABLES = [
  "domain",
  "domain_description",
  "answer_format",
  "answer_instructions",
  "option_letters",
  "tolerance",
  "skills",
  "rubric",
  "tools",
] as const;
const QUESTION_VARIABLES = ["question_block", "options_block"] as const;

/** The placeholder names each role's templates may use. */
export const ROLE_VARIABLES: Record<PromptRole, readonly string[]> = {
  attacker: [...PACK_VARIABLES, "skill", "skill_description", "complexity"],
  defender: [...PACK_VARIABLES, ...QUESTION_VARIABLES],
  "judge-derive": [...PACK_VARIABLES, ...QUESTION_VARIABLES],
  "judge-grade": [
    ...PACK_VARIABLES,
    ...QUESTION_VARIABLES,
    "reference_answer_block",
    "reference_solution_block",
    "derived_answer",
  ],
};

/** One item per line: a line break inside an item would read as a second item. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

function answerInstructions(manifest: PackManifest): string {
  return manifest.answer.format === "numeric"
    ? "a single number only: digits with an optional minus sign and decimal point, no units, no thousands separators"
    : `one option letter only (${manifest.answer.options.join(", ")})`;
}

function packVariables({ manifest, rubric }: PackContent): Record<(typeof PACK_VARIABLES)[number], string> {
  return {
    domain: manifest.name,
    domain_description: manifest.description.trim(),
    answer_format: manifest.answer.format,
    answer_instructions: answerInstructions(manifest),
    option_letters: manifest.answer.format === "choice" ? manifest.answer.options.join(", ") : "",
    tolerance: manifest.answer.format === "numeric" ? String(manifest.answer.tolerance) : "",
    skills: manifest.skills.map((skill) => `- ${skill.name}: ${skill.description}`).join("\n"),
    rubric: Object.entries(rubric)
      .map(([dimension, spec]) => `- ${dimension} (weight ${spec.weight}): ${spec.description}`)
      .join("\n"),
    tools: manifest.tools.length > 0 ? manifest.tools.join(", ") : "none",
  };
}

function questionVariables(question: Pick<Question, "text" | "options">): Record<string, string> {
  const options = Object.entries(question.options ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return {
    question_block: dataBlock("question", question.text),
    options_block:
      options.length > 0
        ? dataBlock("options", options.map(([letter, text]) => `${letter}. ${oneLine(text)}`).join("\n"))
        : "",
  };
}

function attackerVariables(manifest: PackManifest, input: RenderInput["attacker"]): Record<string, string> {
  const skill = manifest.skills.find((s) => s.name === input.skill);
  if (!skill) {
    throw new ConfigError(
      `skill "${input.skill}" is not in the ${manifest.name} pack; use one of ${manifest.skills.map((s) => s.name).join(", ")}`,
    );
  }
  return {
    skill: skill.name,
    skill_description: skill.description,
    complexity: String(input.complexity),
  };
}

function gradingVariables({ question, derivedAnswer }: RenderInput["judge-grade"]): Record<string, string> {
  return {
    ...questionVariables(question),
    reference_answer_block: dataBlock("reference_answer", question.referenceAnswer),
    reference_solution_block: dataBlock("reference_solution", question.solutionSteps.map(oneLine).join("\n")),
    derived_answer: oneLine(derivedAnswer),
  };
}

const ROLE_VARIABLE_BUILDERS: {
  [R in PromptRole]: (manifest: PackManifest, input: RenderInput[R]) => Record<string, string>;
} = {
  attacker: attackerVariables,
  defender: (_, input) => questionVariables(input.question),
  // The question's text and options only: whatever else the caller passes, nothing of it can reach the prompt.
  "judge-derive": (_, input) => questionVariables(input.question),
  "judge-grade": (_, input) => gradingVariables(input),
};

export function renderPrompt<R extends PromptRole>(
  content: PackContent,
  role: R,
  input: RenderInput[R],
): RenderedPrompt {
  const roleVariables: (manifest: PackManifest, input: RenderInput[R]) => Record<string, string> =
    ROLE_VARIABLE_BUILDERS[role];
  const values = { ...packVariables(content), ...roleVariables(content.manifest, input) };
  const templates = content.templates[role];
  return {
    system: fillTemplate(templates.system, values).trim(),
    user: fillTemplate(templates.user, values).trim(),
  };
}
