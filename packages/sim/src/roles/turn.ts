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
  /** Seeded by (seed, model, messages, draw): see sampling.ts. */
  rng: Rng;
  registry: QuestionRegistry;
}
