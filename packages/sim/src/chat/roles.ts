import {
  ATTACKER_SCHEMA_NAME,
  DEFENDER_SCHEMA_NAME,
  JUDGE_DERIVATION_SCHEMA_NAME,
  JUDGE_GRADING_SCHEMA_NAME,
} from "../../../../protocol/role-outputs.ts";
import { playAttacker } from "../roles/attacker.ts";
import { playDefender } from "../roles/defender.ts";
import { playJudgeDerive, playJudgeGrade } from "../roles/judge.ts";
import { playPlain } from "../roles/plain.ts";
import type { Turn } from "../roles/turn.ts";
import { findJsonSchema, type JsonObject, minimalInstance, propertyNames } from "./json-schema.ts";
import { jsonReply, type Reply } from "./reply.ts";
import type { ChatRequest, Conversation } from "./request.ts";

/**
 * Which role a request is for, inferred from the output it asks for, never from the model name: the json_schema
 * name, or in JSON mode the property names of the schema quoted in the system message. Anything else gets a
 * minimal valid instance of its own schema; a request without a response format is plain chat.
 */

export type RoleName = "attacker" | "defender" | "judge-derive" | "judge-grade" | "custom" | "chat";

export interface RolePlan {
  role: RoleName;
  /** For "custom": the schema to satisfy. */
  schema?: JsonObject;
}

const BY_SCHEMA_NAME: Record<string, RoleName> = {
  [ATTACKER_SCHEMA_NAME]: "attacker",
  [DEFENDER_SCHEMA_NAME]: "defender",
  [JUDGE_DERIVATION_SCHEMA_NAME]: "judge-derive",
  [JUDGE_GRADING_SCHEMA_NAME]: "judge-grade",
};

// Judge first: a judge prompt may also mention the other roles' fields.
const BY_PROPERTY: readonly (readonly [string, RoleName])[] = [
  ["derived_answer", "judge-derive"],
  ["rubric", "judge-grade"],
  ["reference_answer", "attacker"],
  ["final_answer", "defender"],
];

export function planRole(request: ChatRequest, conversation: Conversation): RolePlan {
  const format = request.response_format;
  if (format?.type === "json_schema") {
    const role = BY_SCHEMA_NAME[format.json_schema.name];
    return role ? { role } : { role: "custom", schema: format.json_schema.schema ?? {} };
  }
  if (format?.type === "json_object") {
    const schema = findJsonSchema(conversation.system);
    const names = propertyNames(schema);
    const match = BY_PROPERTY.find(([name]) =>
      schema ? names.includes(name) : conversation.system.includes(name),
    );
    return match ? { role: match[1] } : { role: "custom", schema: schema ?? { type: "object" } };
  }
  return { role: "chat" };
}

const PLAYERS: Record<Exclude<RoleName, "custom">, (turn: Turn) => Reply> = {
  attacker: playAttacker,
  defender: playDefender,
  "judge-derive": playJudgeDerive,
  "judge-grade": playJudgeGrade,
  chat: playPlain,
};

export function play(plan: RolePlan, turn: Turn): Reply {
  if (plan.role === "custom") return jsonReply(minimalInstance(plan.schema ?? { type: "object" }));
  return PLAYERS[plan.role](turn);
}
