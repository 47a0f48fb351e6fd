import type { ChatRequest, Conversation } from "../chat/request.ts";
import type { QuestionRegistry } from "../items/registry.ts";
import type { Rng } from "../random.ts";

/** One chat request as a simulated role sees it. */
export interface Turn {
  request: ChatRequest;
  conversation: Conversation;
  /** The requested model's skill, 0..1. */
  skill: number;
  seed: number;
  /** Seeded by (seed, model, messages): the same request always gets the same answer. */
  rng: Rng;
  registry: QuestionRegistry;
}
