import { z } from "zod";
import { readDataBlock, readHeader } from "../../domains/data-block.ts";
import { printedOutput } from "../../domains/verdict.ts";
import type { JudgeOutput } from "../../llm/role-outputs.ts";
import { formatNumber, lastNumber, parseNumber, sameNumber } from "../arithmetic.ts";
import { jsonReply, type Reply, toolCallReply } from "../chat/reply.ts";
import type { Tool } from "../chat/request.ts";
import type { SimItem } from "../items/item.ts";
import { readReasoning, scoreRubric } from "./rubric.ts";
import { parseOptions } from "./solve.ts";
import type { Turn } from "./turn.ts";

/**
 * The Judge. For numeric questions it first asks its python tool to recompute the answer (the program comes from
 * what the simulator knows about the question), then rules from the tool's output; for multiple choice it rules
 * from what it knows. Text inside the question never changes a verdict.
 */

const CANNOT_DERIVE = 'print("cannot derive: the problem is not one this solver can recompute")';

interface Verification {
  valid: boolean;
  verified: string;
  reason: string;
}

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

function optionLetter(text: string): string | undefined {
  return /^\s*\(?([A-J])\b/.exec(text)?.[1];
}

function verifyNumeric(turn: Turn, item: SimItem | undefined, reference: string): Verification {
  const fromTool = turn.conversation.toolResults.map(printedNumber).findLast((n) => n !== undefined);
  const recomputed = fromTool ?? (item?.kind === "numeric" ? item.answer : undefined);
  if (recomputed === undefined) {
    return {
      valid: false,
      verified: "unknown",
      reason:
        "The answer could not be re-derived from the question, so the reference answer cannot be confirmed.",
    };
  }
  const verified = formatNumber(recomputed);
  const claimed = parseNumber(reference);
  const valid = claimed !== undefined && sameNumber(claimed, recomputed);
  const how =
    fromTool === undefined ? "Working the solution through" : "Recomputing the solution with Python";
  return {
    valid,
    verified,
    reason: valid
      ? `${how} gives ${verified}, which matches the reference answer.`
      : `${how} gives ${verified}, but the reference answer is ${reference}.`,
  };
}

function verifyChoice(
  item: SimItem | undefined,
  reference: string,
  options: Record<string, string> | undefined,
): Verification {
  const claimed = optionLetter(reference) ?? reference.trim();
  if (item?.kind === "choice") {
    const valid = claimed === item.answer;
    return {
      valid,
      verified: item.answer,
      reason: valid
        ? `Option ${item.answer} is correct and the reference agrees.`
        : `The correct option is ${item.answer}, not the reference ${claimed}.`,
    };
  }
  const valid = options !== undefined && claimed in options;
  return {
    valid,
    verified: claimed,
    reason: valid
      ? "The reference answer is one of the options and nothing contradicts it."
      : "The reference answer is not one of the options.",
  };
}

function defenderMatches(answer: string, verified: string, numeric: boolean): boolean {
  if (!numeric) return (optionLetter(answer) ?? answer.trim()) === verified;
  const given = parseNumber(answer);
  const expected = parseNumber(verified);
  return given !== undefined && expected !== undefined && sameNumber(given, expected);
}

export function playJudge(turn: Turn): Reply {
  const { user } = turn.conversation;
  const block = (tag: string) => readDataBlock(user, tag) ?? "";
  const question = block("question");
  const options = parseOptions(block("options"));
  const item = turn.registry.find(question);
  const numeric = item
    ? item.kind === "numeric"
    : options === undefined && /math|arith|gsm/i.test(readHeader(user, "Domain") ?? "math");
  const tool = numeric ? pythonTool(turn) : undefined;
  if (tool && turn.conversation.toolResults.length === 0) {
    const code = item?.kind === "numeric" && item.python ? item.python : CANNOT_DERIVE;
    const id = `call_${Math.floor(turn.rng.next() * 2 ** 48).toString(36)}`;
    return toolCallReply({
      id,
      name: tool.function.name,
      arguments: JSON.stringify({ [codeArgument(tool)]: code }),
    });
  }
  const reference = block("reference_answer").trim();
  const check = numeric ? verifyNumeric(turn, item, reference) : verifyChoice(item, reference, options);
  const features = readReasoning(block("defender_reasoning"));
  const hops =
    item?.hops ??
    Math.max(
      1,
      block("reference_solution")
        .split("\n")
        .filter((line) => line.trim() !== "").length,
    );
  const correct = defenderMatches(block("defender_answer"), check.verified, numeric);
  const output: JudgeOutput = {
    valid: check.valid,
    validity_reason: check.reason,
    verified_answer: check.verified,
    rubric: scoreRubric(features, hops, correct),
    reason: `The defender's final answer ${correct ? "matches" : "does not match"} the verified answer ${check.verified}. The reasoning shows ${Math.min(features.steps, hops)} of ${hops} steps${features.checked ? " and checks its result" : " and no explicit check"}.`,
  };
  return jsonReply(output);
}
