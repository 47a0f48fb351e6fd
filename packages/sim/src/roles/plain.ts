import { type Reply, textReply } from "../chat/reply.ts";
import { parseOptions, solve } from "./solve.ts";
import type { Turn } from "./turn.ts";

/** Plain chat, as benchmark evaluation uses it: prose reasoning ending with "The answer is X." */
export function playPlain(turn: Turn): Reply {
  const { user } = turn.conversation;
  const attempt = solve(turn, { question: user, options: parseOptions(user) }, turn.registry.find(user));
  return textReply(attempt.lines.join("\n"));
}
