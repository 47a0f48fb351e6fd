import type { AnyActorLogic, AnyStateMachine } from "xstate";
import { z } from "zod";
import type { AgentContext, AgentDefinition } from "./definition.ts";

export interface AgentSpec<TOptions> {
  /** Agent type name used in topology files. */
  type: string;
  description?: string;
  /** Stage whose messages this agent handles, e.g. "verdict.issued". */
  consumes: string;
  /** Schema of the messages on that stage (e.g. VerdictIssued from the package entry point). */
  input: z.ZodType<unknown>;
  /** Stages this agent may publish, each with the schema its messages must match. */
  produces: Record<string, z.ZodType<unknown>>;
  /** Schema of `agents[].options` in the topology; validated at start-up. */
  options?: z.ZodType<TOptions>;
  /**
   * A pure XState machine: input `{ message, now, producer, maxAttempts }`, output `{ emit: [{ stage, message }] }`.
   * Its I/O comes from `actors`.
   */
  machine: AnyStateMachine;
  /** The machine's actor implementations, built from the agent's context (models, options, logger). */
  actors?: (context: AgentContext<TOptions>) => Record<string, AnyActorLogic>;
}

/**
 * Defines an agent type a topology can load from a module path: one stage in, declared stages out, a pure
 * machine in between. The host gives it a durable consumer, validation, retries, heartbeats and draining.
 */
export function defineAgent<TOptions = Record<string, unknown>>(
  spec: AgentSpec<TOptions>,
): AgentDefinition<TOptions> {
  const options = spec.options ?? (z.object({}).passthrough() as unknown as z.ZodType<TOptions>);
  return {
    type: spec.type,
    description: spec.description ?? spec.type,
    options,
    create: async (context) => ({
      handlers: [
        {
          consumes: spec.consumes,
          input: spec.input,
          produces: spec.produces,
          machine: spec.actors
            ? spec.machine.provide({ actors: spec.actors(context) } as never)
            : spec.machine,
        },
      ],
    }),
  };
}
