import type { Reply } from "./chat/reply.ts";
import type { SimulatorConfig } from "./config.ts";
import type { Rng } from "./random.ts";
import type { FaultKind } from "./stats.ts";

/**
 * Fault injection, drawn from the simulator's seeded stream: rate limits, server errors, requests that hang,
 * and replies a client has to reject (prose around JSON, truncated JSON, schema-violating JSON, a refusal).
 */

export type InjectedFault = Exclude<FaultKind, "overloaded">;

export function drawFault(rng: Rng, faults: SimulatorConfig["faults"]): InjectedFault | undefined {
  const draw = rng.next();
  const bands: [InjectedFault, number][] = [
    ["rate_limit", faults.rate429],
    ["server_error", faults.rate500],
    ["timeout", faults.rateTimeout],
    ["malformed", faults.rateMalformed],
  ];
  let upper = 0;
  for (const [kind, rate] of bands) {
    upper += rate;
    if (draw < upper) return kind;
  }
  return undefined;
}

const REFUSAL = "I'm sorry, but I can't help with that request.";

function isJsonObject(text: string): boolean {
  return text.trimStart().startsWith("{");
}

/** A key renamed the way sloppy models do (final_answer -> finalAnswer), so a strict schema rejects it. */
function violateSchema(json: string): string {
  const renamed = json.replace(
    /"([a-z]+)_([a-z])([a-z_]*)":/,
    (_, head: string, first: string, rest: string) => `"${head}${first.toUpperCase()}${rest}":`,
  );
  return renamed === json ? `{"result": ${json}}` : renamed;
}

/**
 * Spoils a reply. `unusable` leaves out the recoverable kind (valid JSON wrapped in prose), for a model that
 * keeps returning nothing a client can use.
 */
export function malform(reply: Reply, rng: Rng, unusable = false): Reply {
  const call = reply.toolCalls[0];
  if (call) {
    return rng.chance(0.5)
      ? { ...reply, refusal: REFUSAL, toolCalls: [], finishReason: "stop" }
      : {
          ...reply,
          toolCalls: [{ ...call, arguments: call.arguments.slice(0, Math.floor(call.arguments.length / 2)) }],
          finishReason: "length",
        };
  }
  const content = reply.content ?? "";
  const kinds = !isJsonObject(content)
    ? (["truncated", "refusal"] as const)
    : unusable
      ? (["truncated", "schema", "refusal"] as const)
      : (["prose", "truncated", "schema", "refusal"] as const);
  switch (rng.pick(kinds)) {
    case "prose":
      return {
        ...reply,
        content: `Sure! Here is the result:\n\n${content}\n\nLet me know if you need anything else.`,
      };
    case "truncated":
      return {
        ...reply,
        content: content.slice(0, Math.floor(content.length * 0.6)),
        finishReason: "length",
      };
    case "schema":
      return { ...reply, content: violateSchema(content) };
    case "refusal":
      return { ...reply, content: null, refusal: REFUSAL, finishReason: "stop" };
  }
}
