import { join } from "node:path";
import { ConfigError } from "../protocol/errors.ts";
import type { Question } from "../protocol/schemas.ts";
import { readDataBlock, readHeader } from "./data-block.ts";
import type { DomainPack } from "./pack.ts";
import { PROMPT_ROLES, type PromptRole, templateFile } from "./render.ts";

/**
 * The prompt protocol: header lines and data blocks that other code (the simulator, log readers) parses out of
 * user messages. Templates are user-edited, so each pack is rendered once with sample data at load time and
 * a template that dropped or mangled a required line fails start-up with the line to add.
 */

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

function sampleQuestion(pack: DomainPack): Question {
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

const SAMPLE_ROUND = "protocol-check";
const SAMPLE_COMPLEXITY = 3;

function questionRequirements(pack: DomainPack, question: Question): Requirement[] {
  const options = Object.entries(question.options ?? {}).map(([letter, text]) => `${letter}. ${text}`);
  return [
    header("Domain", pack.name, "domain"),
    block("question", question.text),
    ...(options.length > 0 ? [block("options", options.join("\n"))] : []),
  ];
}

function requirements(pack: DomainPack, role: PromptRole, question: Question): Requirement[] {
  switch (role) {
    case "attacker":
      return [
        header("Domain", pack.name, "domain"),
        header("Skill", question.skill, "skill"),
        header("Complexity", String(SAMPLE_COMPLEXITY), "complexity"),
        header("Round", SAMPLE_ROUND, "round_id"),
        header("Answer format", pack.answerFormat, "answer_format"),
      ];
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

function renderSample(pack: DomainPack, role: PromptRole, question: Question): string {
  switch (role) {
    case "attacker":
      return pack.render("attacker", {
        skill: question.skill,
        complexity: SAMPLE_COMPLEXITY,
        roundId: SAMPLE_ROUND,
      }).user;
    case "defender":
      return pack.render("defender", { question }).user;
    case "judge-derive":
      return pack.render("judge-derive", { question }).user;
    case "judge-grade":
      return pack.render("judge-grade", { question, derivedAnswer: question.referenceAnswer }).user;
  }
}

/** Throws a ConfigError naming the user template and the lines it lacks. */
export function checkPromptProtocol(pack: DomainPack): void {
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
