import { readHeader } from "../../../../domains/data-block.ts";
import type { AttackerOutput } from "../../../../protocol/role-outputs.ts";
import { jsonReply, type Reply } from "../chat/reply.ts";
import { writeQuestion } from "../generators/write-question.ts";
import { presentSolution } from "./solve.ts";
import type { Turn } from "./turn.ts";

/** The Attacker: writes a question to the prompt's Domain / Skill / Complexity headers and remembers it. */
export function playAttacker(turn: Turn): Reply {
  const { user, system } = turn.conversation;
  const header = (name: string) => readHeader(user, name) ?? readHeader(system, name);
  const complexity = Number.parseInt(header("Complexity") ?? "", 10);
  const skill = header("Skill") ?? "multi-step reasoning";
  const generated = writeQuestion(turn.rng, {
    domain: header("Domain") ?? "math",
    skill,
    complexity: Number.isFinite(complexity) ? Math.min(5, Math.max(1, complexity)) : 3,
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
    skill,
    hops: item.hops,
  };
  return jsonReply(output);
}
