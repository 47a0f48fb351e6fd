import { readHeader } from "../../../../domains/data-block.ts";
import type { AttackerOutput } from "../../../../protocol/role-outputs.ts";
import { jsonReply, type Reply } from "../chat/reply.ts";
import { writeQuestion } from "../generators/write-question.ts";
import { presentSolution } from "./solve.ts";
import type { Turn } from "./turn.ts";

/** What a prompt that names no complexity gets: the middle of the 1-5 scale. */
const DEFAULT_COMPLEXITY = 3;

const COMPLEXITY = /\bcomplexity\b\W{0,3}(?:of\s+|is\s+)?(\d+)/i;
const HOPS = /\b(\d+)\s+(?:dependent\s+)?(?:reasoning\s+)?hops?\b/i;

/**
 * The complexity a prompt asks for, read the way a model reads the instruction: "a question of complexity 4 on
 * a scale of 1 to 5", "Complexity: 4", or else "needs 4 dependent reasoning hops"; clamped to 1-5.
 */
export function readComplexity(text: string): number | undefined {
  const stated = COMPLEXITY.exec(text)?.[1] ?? HOPS.exec(text)?.[1];
  if (stated === undefined) return undefined;
  return Math.min(5, Math.max(1, Number.parseInt(stated, 10)));
}

/**
 * The Attacker: writes a question to the domain, skill and complexity its prompt asks for, and remembers it. Like a
 * careful model, it labels the question with the skill it truly exercises when it could not write for the one asked.
 */
export function playAttacker(turn: Turn): Reply {
  const { user, system } = turn.conversation;
  const header = (name: string) => readHeader(user, name) ?? readHeader(system, name);
  const generated = writeQuestion(turn.rng, {
    domain: header("Domain") ?? "math",
    skill: header("Skill") ?? "",
    complexity: readComplexity(user) ?? readComplexity(system) ?? DEFAULT_COMPLEXITY,
    modelSkill: turn.skill,
    answerFormat: header("Answer format"),
  });
  const { item } = generated;
  turn.registry.add(item);
  const output: AttackerOutput = {
    question: item.question,
    options:
      item.kind === "choice" ? Object.entries(item.options).map(([letter, text]) => ({ letter, text })) : [],
    reference_answer: item.referenceAnswer,
    // Written as well as the Attacker's skill allows: the Judge grades this solution, the training data.
    solution_steps: presentSolution(
      generated.publishedSteps,
      item.referenceAnswer,
      turn.skill,
      turn.rng.derive("style"),
    ),
    // The skill the question exercises: the one asked for wherever the simulator could write for it.
    skill: generated.skill,
    hops: item.hops,
  };
  return jsonReply(output);
}
