import type { AnyStateMachine } from "xstate";
import type { z } from "zod";
import type { Bus } from "../bus/bus.ts";
import type { AgentConfig, Topology } from "../config/topology.ts";
import type { DomainPack } from "../domains/pack.ts";
import type { ChatModel } from "../llm/chat-model.ts";
import type { Logger } from "../log/logger.ts";

/** Everything an agent gets from its host: built once per agent process, passed in, never imported as globals. */
export interface AgentContext<TOptions = Record<string, unknown>> {
  runId: string;
  runDir: string;
  instance: string;
  topology: Topology;
  agent: AgentConfig;
  options: TOptions;
  models: Map<string, ChatModel>;
  packs: Map<string, DomainPack>;
  bus: Bus;
  logger: Logger;
}

/**
 * One stage an agent handles: the subject stage it consumes, the schema of what arrives there, the stages it may
 * publish with their schemas, and an XState machine (already given its actors with `provide()`) that turns one
 * inbound message into `{ emit: [...] }`.
 */
export interface StageHandler {
  consumes: string;
  input: z.ZodType<unknown>;
  produces: Record<string, z.ZodType<unknown>>;
  machine: AnyStateMachine;
  /**
   * The stage calls models (default true): when its round is closed elsewhere meanwhile, the host stops it
   * so that it spends nothing more. A stage that only records (the curator's) runs to its end.
   */
  callsModels?: boolean;
}

export interface AgentInstance {
  handlers: StageHandler[];
  close?(): Promise<void>;
}

export interface AgentDefinition<TOptions = Record<string, unknown>> {
  type: string;
  description: string;
  options: z.ZodType<TOptions>;
  create(context: AgentContext<TOptions>): Promise<AgentInstance>;
}

export function isAgentDefinition(value: unknown): value is AgentDefinition<unknown> {
  if (!value || typeof value !== "object") return false;
  const candidate = value as Partial<AgentDefinition<unknown>>;
  return (
    typeof candidate.type === "string" &&
    typeof candidate.create === "function" &&
    typeof candidate.options === "object" &&
    candidate.options !== null &&
    typeof (candidate.options as { safeParse?: unknown }).safeParse === "function"
  );
}
