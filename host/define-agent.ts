import { z } from "zod";
import { stageToken } from "../protocol/subjects.ts";
import { routesSchema } from "./agent-settings.ts";
import type {
  AgentContext,
  AgentDefinition,
  AgentParts,
  AgentSettings,
  ConsumedStage,
  Consumes,
  Produces,
  StageSettings,
} from "./definition.ts";

/** The shape of an agent without options of its own. */
type NoOptions = Record<never, never>;

/** What an agent declares: the one way to make one, for the built-in roles and plug-ins alike. */
export interface AgentSpec<TConsumes extends Consumes, TOptionsSchema extends z.ZodObject> {
  /** Agent type name used in topology files. */
  type: string;
  description?: string;
  /**
   * Schema of the topology entry's `options` (an object schema); validated at start-up and by `nanoflux
   * validate`. `routes` is the contract's, not the agent's: it is added here and checked against the stages.
   */
  options?: TOptionsSchema;
  /**
   * Stages this agent reads, by name, each with its message schema, or `stage(schema, settings)`. Every
   * inbound message is validated against it before the agent sees it, and the handler `create` gives for the
   * stage must take that message type.
   */
  consumes: TConsumes;
  /** Stages this agent may publish, by name, each with the schema its messages must match. */
  produces: Produces;
  /**
   * Makes one replica from its context: a handler per consumed stage (a pure machine whose actors come from
   * the context, or a function), optionally background work and what to close on stop.
   */
  create(
    context: AgentContext<z.output<TOptionsSchema>>,
  ): AgentParts<TConsumes> | Promise<AgentParts<TConsumes>>;
}

/** A consumed stage with settings other than the defaults (`callsModels`, `concurrency`, `maxDeliveries`). */
export function stage<TIn>(schema: z.ZodType<TIn>, settings: StageSettings = {}): ConsumedStage<TIn> {
  return { ...settings, schema };
}

function isSchema(value: unknown): value is z.ZodType {
  return typeof (value as { safeParse?: unknown } | undefined)?.safeParse === "function";
}

function consumedStages(type: string, consumes: Consumes): Record<string, ConsumedStage<unknown>> {
  return Object.fromEntries(
    Object.entries(consumes).map(([name, declared]) => {
      stageToken(name);
      if (isSchema(declared)) return [name, { schema: declared }];
      if (isSchema(declared?.schema)) return [name, declared];
      throw new TypeError(`${type}: consumes["${name}"] is neither a zod schema nor stage(schema, settings)`);
    }),
  );
}

/**
 * Defines an agent type: the stages it reads, each with its schema and a handler typed by it, the stages it
 * publishes, its options. The host gives it a durable consumer per stage, validation, routes, retries,
 * heartbeats and draining; a topology loads it by type (built-in) or from a module path (plug-in).
 */
export function defineAgent<
  TConsumes extends Consumes,
  TOptionsSchema extends z.ZodObject = z.ZodObject<NoOptions>,
>(spec: AgentSpec<TConsumes, TOptionsSchema>): AgentDefinition<z.output<TOptionsSchema>> {
  if (!spec.type) throw new TypeError("defineAgent: give the agent a type");
  const consumes = consumedStages(spec.type, spec.consumes);
  for (const name of Object.keys(spec.produces)) stageToken(name);
  const own: z.ZodObject<NoOptions, z.core.$ZodObjectConfig> = spec.options ?? z.object({});
  const routes = routesSchema(spec.type, [...Object.keys(consumes), ...Object.keys(spec.produces)]);
  const options = own.safeExtend({ routes: routes.optional() }).transform(
    ({ routes, ...rest }): AgentSettings<z.output<TOptionsSchema>> => ({
      // What `spec.options` parsed, less the one key the contract added to it.
      options: rest as z.output<TOptionsSchema>,
      routes: routes ?? {},
    }),
  );
  return {
    type: spec.type,
    description: spec.description ?? spec.type,
    consumes,
    produces: spec.produces,
    options,
    create: async (context) => spec.create(context),
  };
}
