import type { StateMachine } from "xstate";
import type { z } from "zod";
import type { EventTail } from "../bus/event-tail.ts";
import type {
  CurationConfig,
  ModelConfig,
  RunConfig,
  TournamentConfig,
  TrainingConfig,
} from "../config/topology.ts";
import type { SharedDocument } from "../core/shared-document.ts";
import type { DomainPack } from "../domains/pack.ts";
import type { ChatModel } from "../llm/chat-model.ts";
import type { Spend } from "../llm/spending.ts";
import type { Logger } from "../log/logger.ts";
import type { StageInput, StageOutput } from "../machines/emission.ts";
import type { RunEvent, RunStarted } from "../protocol/messages.ts";
import type { TrainingBackend } from "../trainer/backend.ts";
import type { BackendSettings } from "../trainer/backends.ts";

/**
 * The agent contract: what every agent, built-in role or plug-in, declares (its stages, options and how it is
 * made) and what it gets from its host (a narrow context). Agents are declared with `defineAgent`
 * (host/define-agent.ts); the host (host/host.ts) runs any definition.
 */

// ---------------------------------------------------------------------------------------------------------
// Stages

/** How the host handles one consumed stage; every field has a default that suits a stage calling models. */
export interface StageSettings {
  /**
   * The stage calls models (default true): when its round is closed elsewhere meanwhile, the host stops it so
   * that it spends nothing more, and a stopping agent abandons it after a grace period. A stage that only
   * records (the curator's) runs to its end.
   */
  callsModels?: boolean;
  /** Messages one replica handles at once on this stage (default: the agent's concurrency). */
  concurrency?: number;
  /** Deliveries of one message before the host gives up on it (default: `run.maxDeliveries`). */
  maxDeliveries?: number;
}

/** A consumed stage: the schema every inbound message is validated against, and how the host handles it. */
export interface ConsumedStage<TIn> extends StageSettings {
  readonly schema: z.ZodType<TIn>;
}

/** The stages an agent reads, by stage name: a message schema, or `stage(schema, settings)`. */
// biome-ignore lint/suspicious/noExplicitAny: any message type; each entry's own type is kept by inference
export type Consumes = Record<string, z.ZodType | ConsumedStage<any>>;

/** The stages an agent may publish, by stage name, each with the schema its messages must match. */
export type Produces = Record<string, z.ZodType>;

/** The message type of one consumed stage. */
export type InputOf<C> = C extends ConsumedStage<infer T> ? T : C extends z.ZodType ? z.output<C> : never;

/**
 * A pure XState machine handling one message of a stage: input `{ message, now, producer, maxAttempts }` with
 * the stage's message type, output `{ emit: [{ stage, message }] }`. The host runs one actor per message.
 */
export type StageMachine<TIn> = StateMachine<
  Free,
  Free,
  Free,
  Free,
  Free,
  Free,
  Free,
  Free,
  Free,
  StageInput<TIn>,
  StageOutput,
  Free,
  Free,
  Free
>;

/** A machine's context, events, actors, tags...: its own business, not the contract's. */
// biome-ignore lint/suspicious/noExplicitAny: the type parameters a stage machine may choose freely
type Free = any;

/**
 * A stage handled by a long-lived part of the agent rather than a machine per message (the scheduler feeds
 * each closed round to its one run-long machine). Resolving acknowledges the message; throwing hands it back
 * for redelivery.
 */
export interface StageFunction<TIn> {
  handle(message: TIn, signal: AbortSignal): Promise<void>;
}

export type StageHandling<TIn> = StageMachine<TIn> | StageFunction<TIn>;

/** One handler per consumed stage, each typed by that stage's schema. */
export type StageHandlers<TConsumes extends Consumes> = {
  [K in keyof TConsumes]: StageHandling<InputOf<TConsumes[K]>>;
};

// ---------------------------------------------------------------------------------------------------------
// What an agent gets

/** The run's configuration an agent may read: the topology without its NATS credentials or other agents' options. */
export interface RunSettings {
  /** The topology's name. */
  readonly name: string;
  readonly run: RunConfig;
  readonly tournament: TournamentConfig;
  readonly curation: CurationConfig;
  readonly training: TrainingConfig | undefined;
  /** The models of the topology, as configured (ids, endpoints, prices, limits). */
  readonly models: readonly ModelConfig[];
  /** The agents of the topology: the type and model of each. */
  readonly agents: readonly AgentEntry[];
  /** The topology as recorded on the run's stream (in run.started), secrets redacted. */
  record(): Record<string, unknown>;
}

/** An agent's entry in the topology, as far as agents see it. */
export interface AgentEntry {
  readonly type: string;
  /** The model this agent calls where its role does not come from the round. */
  readonly model?: string;
}

/** A key of the run's state: one of `stateKeys` (protocol/subjects.ts), given the run id by the host. */
export type StateKey = (runId: string) => string;

/** A JSON document of the run's state that replicas on any host change together, with compare-and-set. */
export type { SharedDocument };

/** The run's shared state (the KV bucket), as seen from one run. */
export interface RunState {
  /** The entry's JSON value; undefined when there is none. */
  read(key: StateKey): Promise<unknown>;
  write(key: StateKey, value: unknown): Promise<void>;
  document<T>(key: StateKey, schema: z.ZodType<T>, empty: T, what: string): SharedDocument<T>;
  /** What the run has spent or reserved so far, from the shared spend ledger. */
  spent(): Promise<Spend>;
}

/** The run's recorded events (the stream). */
export interface RunEvents {
  /** Every event the run has recorded so far, oldest first. */
  read(): Promise<RunEvent[]>;
  /** The run's start, with the topology it was started with; undefined before the scheduler has recorded it. */
  started(): Promise<RunStarted | undefined>;
  /**
   * Applies every event of one stage (`round.closed`), from the run's first, in order, then each new one as it
   * is recorded, until stopped: how a replica keeps a local view in step with its peers on other hosts.
   * `apply` must be idempotent.
   */
  follow(stage: string, apply: (event: RunEvent) => Promise<void>): Promise<EventTail>;
}

export type { EventTail };

/**
 * Everything an agent gets from its host: built once per agent replica, passed in, never imported as globals.
 * No connection and no whole topology: what roles use, and small capabilities the host builds from the bus.
 */
export interface AgentContext<TOptions = Record<string, unknown>> {
  readonly runId: string;
  readonly runDir: string;
  /** This replica's name: the `producer` of what it publishes. */
  readonly instance: string;
  readonly agent: AgentEntry;
  /** The agent's options from the topology, parsed by its options schema (`routes` taken out). */
  readonly options: TOptions;
  readonly settings: RunSettings;
  /** The topology's models by id, ready to call. */
  readonly models: ReadonlyMap<string, ChatModel>;
  readonly packs: ReadonlyMap<string, DomainPack>;
  readonly logger: Logger;
  /**
   * Publishes a message on a stage the agent declares it produces (under its route, if the topology gives
   * one), validated against the declared schema; `msgId` makes a re-publish after a crash a no-op.
   */
  publish(stage: string, message: unknown, msgId: string): Promise<void>;
  readonly state: RunState;
  readonly events: RunEvents;
  /** A fine-tuning backend (the `TrainingBackend` port), GPU hosts reached through the run's NATS. */
  trainingBackend(settings: BackendSettings): Promise<TrainingBackend>;
}

// ---------------------------------------------------------------------------------------------------------
// What an agent is

/** Stops background work an agent started. */
export type Stop = () => void | Promise<void>;

/** What `create` makes for one replica. */
export interface AgentParts<TConsumes extends Consumes = Consumes> {
  /** One handler per consumed stage. */
  stages: StageHandlers<TConsumes>;
  /**
   * Background work (timers), started once every stage consumes; what it returns is called first on stop.
   */
  start?(): Stop;
  /** Frees what `create` opened, once every stage has stopped. */
  close?(): Promise<void>;
}

/** Stage name -> the subject stage it is read or written under, so that a plug-in can be spliced into a round. */
export type Routes = Readonly<Record<string, string>>;

/** An agent's topology entry, checked: its own options, and its routes. */
export interface AgentSettings<TOptions> {
  options: TOptions;
  routes: Routes;
}

/** An agent type, as `defineAgent` makes it: what the registry lists, what a plug-in module exports. */
export interface AgentDefinition<TOptions = unknown> {
  readonly type: string;
  readonly description: string;
  readonly consumes: Readonly<Record<string, ConsumedStage<unknown>>>;
  readonly produces: Readonly<Produces>;
  /**
   * Schema of the topology entry's `options`: the agent's own options plus `routes`, whose keys must be stages
   * the agent reads or writes. Validated at start-up and by `nanoflux validate`.
   */
  readonly options: z.ZodType<AgentSettings<TOptions>>;
  create(context: AgentContext<TOptions>): Promise<AgentParts>;
}

/**
 * Looks like an agent definition: enough to pick a module's export and check its options. The host checks the
 * rest (its stages) when it runs it.
 */
export function isAgentDefinition(value: unknown): value is AgentDefinition<unknown> {
  if (!value || typeof value !== "object") return false;
  const candidate = value as Partial<Record<keyof AgentDefinition, unknown>>;
  return (
    typeof candidate.type === "string" &&
    typeof candidate.create === "function" &&
    typeof candidate.options === "object" &&
    candidate.options !== null &&
    typeof (candidate.options as { safeParse?: unknown }).safeParse === "function"
  );
}

/** A stage handled by a function rather than a machine. */
export function isStageFunction<TIn>(handling: StageHandling<TIn>): handling is StageFunction<TIn> {
  return typeof (handling as Partial<StageFunction<TIn>>).handle === "function";
}
