import { readDataBlock } from "../../../../domains/data-block.ts";
import type { DefenderOutput } from "../../../../protocol/role-outputs.ts";
import { jsonReply, type Reply } from "../chat/reply.ts";
import { parseOptions, solve } from "./solve.ts";
import type { Turn } from "./turn.ts";

/** The Defender: reads the question (and options) from their data blocks and answers as its skill allows. */
export function playDefender(turn: Turn): Reply {
  const { user } = turn.conversation;
  const question = readDataBlock(user, "question") ?? user;
  const problem = { question, options: parseOptions(readDataBlock(user, "options")) };
  const attempt = solve(turn, problem, turn.registry.find(question));
  const output: DefenderOutput = { reasoning: attempt.lines.join("\n"), final_answer: attempt.answer };
  return jsonReply(output);
}
