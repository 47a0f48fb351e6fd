import type { DomainPack } from "../domains/pack.ts";
import type { ChatModel } from "../llm/chat-model.ts";
import { ConfigError } from "../protocol/errors.ts";
import type { AgentContext } from "./definition.ts";

/** The model a round names for a role; a round naming an unknown model is a topology mistake. */
export function modelFor(
  context: Pick<AgentContext<unknown>, "models">,
  id: string,
  role: string,
): ChatModel {
  const model = context.models.get(id);
  if (!model) throw new ConfigError(`${role}: round names model "${id}" but the topology has no such model`);
  return model;
}

export function packFor(context: Pick<AgentContext<unknown>, "packs">, domain: string): DomainPack {
  const pack = context.packs.get(domain);
  if (!pack)
    throw new ConfigError(
      `no domain pack "${domain}" is loaded; known: ${[...context.packs.keys()].join(", ")}`,
    );
  return pack;
}
