import { join } from "node:path";
import { ConfigError } from "../protocol/errors.ts";
import type { Question } from "../protocol/schemas.ts";
import { readDataBlock, readHeader } from "./data-block.ts";
import type { AnswerFormat, Skill } from "./pack-manifest.ts";
import {
  PROMPT_ROLES,
  type PromptRole,
  type RenderedPrompt,
  type RenderInput,
  templateFile,
} from "./render.ts";

/**
 * The prompt protocol: what each user template must tell its model (the Attacker its domain, skill, complexity
 * and answer format; the other roles the question and its options), written as header lines and data blocks that
 * other code can read back out of a logged prompt. Nothing in it exists for the simulator alone. Templates are
 * user-edited, so each pack is rendered once with sample data at load time and a template that dropped or
 * mangled a required line fails start-up with the line to add.
 */

/** What the check reads of a pack (a DomainPack has all of it): pack.ts checks each pack it builds. */
export interface CheckedPack {
  readonly name: string;
  readonly dir: string;
  readonly answerFormat: AnswerFormat;
  readonly optionLetters: readonly string[];
  readonly skills: readonly Skill[];
  render<R extends PromptRole>(role: R, input: RenderInput[R]): RenderedPrompt;
}

interface Requirement {
  /** What to write in the template. */
  fix: string;
  met(user: string): boolean;
}

function header(name: string, expected: string, placeholder: string): Requirement {
  return { fix: `a line "${name}: {{${placeholder}}}"`, met: (user) => readHeader(user, name) === expected };
}

function block(tag: string, expected: string): Requirement {
  return { fix: `{{${tag}_block}} on its own line`, met: (user) => readDataBlock(user, tag) === expected };
}

function sampleQuestion(pack: CheckedPack): Question {
  const options =
    pack.answerFormat === "choice"
      ? Object.fromEntries(pack.optionLetters.map((l) => [l, `option ${l}`]))
      : undefined;
  return {
    text: "protocol check question",
    options,
    referenceAnswer: pack.optionLetters[0] ?? "42",
    solutionSteps: ["first step", "second step"],
    skill: pack.skills[0]?.name ?? "",
    hops: 2,
  };
}

const SAMPLE_COMPLEXITY = 3;
/** Rendered too: a template that states the complexity reads differently for another one. */
const OTHER_COMPLEXITY = 5;

function questionRequirements(pack: CheckedPack, question: Question): Requirement[] {
  const options = Object.entries(question.options ?? {}).map(([letter, text]) => `${letter}. ${text}`);
  return [
    header("Domain", pack.name, "domain"),
    block("question", question.text),
    ...(options.length > 0 ? [block("options", options.join("\n"))] : []),
  ];
}

function requirements(pack: CheckedPack, role: PromptRole, question: Question): Requirement[] {
  switch (role) {
    case "attacker": {
      const otherwise = pack.render("attacker", { skill: question.skill, complexity: OTHER_COMPLEXITY }).user;
      return [
        header("Domain", pack.name, "domain"),
        header("Skill", question.skill, "skill"),
        {
          fix: '{{complexity}} in a sentence that asks for it (e.g. "a question of complexity {{complexity}} on a scale of 1 to 5")',
          met: (user) => user !== otherwise,
        },
        header("Answer format", pack.answerFormat, "answer_format"),
      ];
    }
    case "defender":
      return questionRequirements(pack, question);
    case "judge-derive":
      return questionRequirements(pack, question);
    case "judge-grade":
      return [
        ...questionRequirements(pack, question),
        block("reference_answer", question.referenceAnswer),
        block("reference_solution", question.solutionSteps.join("\n")),
      ];
  }
}

function renderSample(pack: CheckedPack, role: PromptRole, question: Question): string {
  switch (role) {
    case "attacker":
      return pack.render("attacker", { skill: question.skill, complexity: SAMPLE_COMPLEXITY }).user;
    case "defender":
      return pack.render("defender", { question }).user;
    case "judge-derive":
      return pack.render("judge-derive", { question }).user;
    case "judge-grade":
      return pack.render("judge-grade", { question, derivedAnswer: question.referenceAnswer }).user;
  }
}

/** Throws a ConfigError naming the user template and the lines it lacks. */
export function checkPromptProtocol(pack: CheckedPack): void {
  const question = sampleQuestion(pack);
  for (const role of PROMPT_ROLES) {
    const user = renderSample(pack, role, question);
    const unmet = requirements(pack, role, question).filter((requirement) => !requirement.met(user));
    if (unmet.length > 0) {
      throw new ConfigError(
        `${join(pack.dir, templateFile(role, "user"))}: the prompt protocol needs ${unmet.map((r) => r.fix).join(", ")} (see prompts/README.md)`,
      );
    }
  }
}
