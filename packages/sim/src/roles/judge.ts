import { z } from "zod";
import { readDataBlock, readHeader } from "../../../../domains/data-block.ts";
import { printedOutput } from "../../../../domains/verdict.ts";
import type { JudgeDerivation, JudgeGrading } from "../../../../protocol/role-outputs.ts";
import { formatNumber, lastNumber } from "../arithmetic.ts";
import { jsonReply, type Reply, toolCallReply } from "../chat/reply.ts";
import type { Tool } from "../chat/request.ts";
import { readReasoning, scoreRubric } from "./rubric.ts";
import { parseOptions, solve } from "./solve.ts";
import type { Turn } from "./turn.ts";

/**
 * The Judge, in its two phases. Deriving, it sees the question alone: for numeric questions it asks its python
 * tool to compute the answer (the program comes from what the simulator knows about the question) and answers
 * with what the tool printed; for multiple choice it answers from what it knows. Grading, it scores the
 * reference solution from what a reader can see in it. Text inside the question never changes either.
 */

const CANNOT_DERIVE = 'print("cannot derive: the problem is not one this solver can recompute")';

/** The python tool, when offered and not ruled out by tool_choice ("none", or another tool forced). */
function pythonTool(turn: Turn): Tool | undefined {
  const choice = turn.request.tool_choice;
  const python = (turn.request.tools ?? []).find((tool) => /python/i.test(tool.function.name));
  if (!python || choice === "none") return undefined;
  const forced = typeof choice === "object" && choice ? choice.function.name : python.function.name;
  return forced === python.function.name ? python : undefined;
}

/** The argument that carries the code: "code" if the tool has it, else its first string property. */
function codeArgument(tool: Tool): string {
  const properties = z
    .record(z.string(), z.object({ type: z.unknown() }).loose())
    .safeParse(tool.function.parameters?.properties);
  if (!properties.success || "code" in properties.data) return "code";
  return Object.entries(properties.data).find(([, schema]) => schema.type === "string")?.[0] ?? "code";
}

/** The number a program printed, or undefined when the tool failed or printed none. */
function printedNumber(toolResult: string): number | undefined {
  if (/^error:|traceback/i.test(toolResult.trim())) return undefined;
  return lastNumber(printedOutput(toolResult));
}

function derivation(derived: string | undefined, reasoning: string): JudgeDerivation {
  return derived === undefined
    ? {
        well_posed: false,
        problem: "the answer could not be derived from the question",
        derived_answer: "unknown",
        reasoning,
      }
    : { well_posed: true, problem: "", derived_answer: derived, reasoning };
}

export function playJudgeDerive(turn: Turn): Reply {
  const { user } = turn.conversation;
  const question = readDataBlock(user, "question") ?? "";
  const options = parseOptions(readDataBlock(user, "options"));
  const item = turn.registry.find(question);
  const numeric = item
    ? item.kind === "numeric"
    : options === undefined && /math|arith|gsm/i.test(readHeader(user, "Domain") ?? "math");
  if (!numeric) {
    const derived = item?.kind === "choice" ? item.answer : solve(turn, { question, options }, item).answer;
    return jsonReply(
      derivation(derived, `Working through the question and its options points to ${derived}.`),
    );
  }
  const tool = pythonTool(turn);
  if (tool && turn.conversation.toolResults.length === 0) {
    const code = item?.kind === "numeric" && item.python ? item.python : CANNOT_DERIVE;
    const id = `call_${Math.floor(turn.rng.next() * 2 ** 48).toString(36)}`;
    return toolCallReply({
      id,
      name: tool.function.name,
      arguments: JSON.stringify({ [codeArgument(tool)]: code }),
    });
  }
  const fromTool = turn.conversation.toolResults.map(printedNumber).findLast((n) => n !== undefined);
  const computed = fromTool ?? (item?.kind === "numeric" ? item.answer : undefined);
  const how = fromTool === undefined ? "Working the problem through" : "Computing it with Python";
  const derived = computed === undefined ? undefined : formatNumber(computed);
  return jsonReply(
    derivation(
      derived,
      derived === undefined
        ? "No computation gave a number."
        : `${how} from the question's numbers gives ${derived}.`,
    ),
  );
}

export function playJudgeGrade(turn: Turn): Reply {
  const { user } = turn.conversation;
  const question = readDataBlock(user, "question") ?? "";
  const solution = readDataBlock(user, "reference_solution") ?? "";
  const item = turn.registry.find(question);
  const features = readReasoning(solution);
  const hops = item?.hops ?? Math.max(1, solution.split("\n").filter((line) => line.trim() !== "").length);
  const output: JudgeGrading = {
    rubric: scoreRubric(features, hops),
    reason: `The reference solution shows ${Math.min(features.steps, hops)} of ${hops} steps${features.checked ? " and checks its result" : " and no explicit check"}${features.numbered ? ", numbered" : ""}.`,
  };
  return jsonReply(output);
}
