import { readFile } from "node:fs/promises";
import { describe, expect, expectTypeOf, it } from "vitest";
import { assign, fromPromise, setup } from "xstate";
import { z } from "zod";
import { BUILT_IN_AGENTS } from "../../agents/registry.ts";
import { type CriticOptions, criticAgent } from "../../examples/critic/critic.ts";
import { agentSettings } from "../../host/agent-settings.ts";
import { defineAgent, stage } from "../../host/define-agent.ts";
import type { AgentContext, AgentDefinition, StageMachine } from "../../host/definition.ts";
import { attackerMachine } from "../../machines/attacker.ts";
import { defenderMachine } from "../../machines/defender.ts";
import type { StageInput, StageOutput } from "../../machines/emission.ts";
import { ConfigError } from "../../protocol/errors.ts";
import { QuestionScreened, RoundClosed, RoundOpened, VerdictIssued } from "../../protocol/messages.ts";

/** A one-state machine for a stage of `T`: input the stage's message, output nothing to publish. */
function echoMachine<T>() {
  return setup({ types: { input: {} as StageInput<T>, output: {} as StageOutput } }).createMachine({
    initial: "done",
    states: { done: { type: "final" } },
    output: () => ({ emit: [] }),
  });
}

describe("the agent contract's types", () => {
  it("ties a consumed stage's schema to the input of the machine that handles it", () => {
    expectTypeOf(attackerMachine).toExtend<StageMachine<RoundOpened>>();
    expectTypeOf(attackerMachine).not.toExtend<StageMachine<QuestionScreened>>();
    expectTypeOf(echoMachine<{ n: number }>()).not.toExtend<StageMachine<{ s: string }>>();

    const define = () =>
      defineAgent({
        type: "mismatched",
        consumes: { "round.opened": RoundOpened },
        produces: {},
        create: () => ({
          stages: {
            // @ts-expect-error: the defender's machine takes question.screened messages, not round.opened ones
            "round.opened": defenderMachine,
          },
        }),
      });
    expect(define).toBeTypeOf("function");
  });

  it("wants a handler for every consumed stage, and types the context's options by the options schema", () => {
    const Options = z.object({ depth: z.number().default(2) });
    const define = () =>
      defineAgent({
        type: "two-stages",
        options: Options,
        consumes: {
          "round.opened": RoundOpened,
          "verdict.issued": stage(VerdictIssued, { callsModels: false }),
        },
        produces: { "round.closed": RoundClosed },
        // @ts-expect-error: the verdict.issued stage has no handler
        create: (context) => {
          expectTypeOf(context.options).toEqualTypeOf<{ depth: number }>();
          return { stages: { "round.opened": echoMachine<RoundOpened>() } };
        },
      });
    expect(define).toBeTypeOf("function");
    expectTypeOf(define).returns.toEqualTypeOf<AgentDefinition<{ depth: number }>>();
  });

  it("gives agents no bus and no whole topology", () => {
    expectTypeOf<AgentContext>().not.toHaveProperty("bus");
    expectTypeOf<AgentContext>().not.toHaveProperty("topology");
    expectTypeOf<AgentContext["settings"]>().not.toHaveProperty("nats");
  });

  it("makes the critic example, without a cast, a definition like the built-ins", async () => {
    expectTypeOf(criticAgent).toEqualTypeOf<AgentDefinition<CriticOptions>>();
    expectTypeOf(criticAgent).toExtend<AgentDefinition<unknown>>();
    const source = await readFile(new URL("../../examples/critic/critic.ts", import.meta.url), "utf8");
    expect(source).not.toMatch(/\bas (never|unknown|any)\b|AnyStateMachine/);
    const surface = await readFile(new URL("../../index.ts", import.meta.url), "utf8");
    expect(surface).not.toMatch(/AnyStateMachine|AnyActorLogic/);
  });
});

describe("defineAgent", () => {
  const screened = echoMachine<QuestionScreened>();
  const agent = defineAgent({
    type: "reviewer",
    options: z.strictObject({ strictness: z.number().min(0).default(1) }),
    consumes: {
      "question.screened": QuestionScreened,
      "round.closed": stage(RoundClosed, { callsModels: false, concurrency: 1, maxDeliveries: 9 }),
    },
    produces: { "verdict.reviewed": VerdictIssued },
    create: () => ({
      stages: {
        "question.screened": screened,
        "round.closed": { handle: async () => {} },
      },
    }),
  });

  it("declares each consumed stage with its schema and settings", () => {
    expect(agent.consumes["question.screened"]).toEqual({ schema: QuestionScreened });
    expect(agent.consumes["round.closed"]).toEqual({
      schema: RoundClosed,
      callsModels: false,
      concurrency: 1,
      maxDeliveries: 9,
    });
    expect(agent.description).toBe("reviewer");
  });

  it("refuses a stage name that cannot be a subject", () => {
    expect(() =>
      defineAgent({
        type: "bad",
        consumes: { "round opened": RoundOpened },
        produces: {},
        create: () => ({ stages: { "round opened": echoMachine<RoundOpened>() } }),
      }),
    ).toThrow(/not a valid subject part/);
  });

  it("parses an entry's options into the agent's own options and its routes", () => {
    expect(agentSettings(agent, { type: "reviewer", options: {} })).toEqual({
      options: { strictness: 1 },
      routes: {},
    });
    expect(
      agentSettings(agent, {
        type: "reviewer",
        options: { strictness: 2, routes: { "question.screened": "question.cleared" } },
      }),
    ).toEqual({ options: { strictness: 2 }, routes: { "question.screened": "question.cleared" } });
  });

  it("accepts routes only for stages the agent reads or writes, to a valid stage name", () => {
    const settings = (options: Record<string, unknown>) => () =>
      agentSettings(agent, { type: "reviewer", options });
    expect(settings({ routes: { "verdict.reviewed": "verdict.kept" } })).not.toThrow();
    expect(settings({ routes: { "verdict.issued": "verdict.kept" } })).toThrow(ConfigError);
    expect(settings({ routes: { "verdict.issued": "verdict.kept" } })).toThrow(
      /routes\.verdict\.issued: "verdict\.issued" is not a stage reviewer reads or writes \(route one of question\.screened, round\.closed, verdict\.reviewed\)/,
    );
    expect(settings({ routes: { "verdict.reviewed": "verdict kept" } })).toThrow(
      /routes\.verdict\.reviewed: stage "verdict kept" is not a valid subject part/,
    );
    expect(settings({ routes: { "verdict.reviewed": 3 } })).toThrow(/routes\.verdict\.reviewed/);
    // The agent's own schema still applies, strictness and all.
    expect(settings({ strictness: -1 })).toThrow(/agents\[type=reviewer\]\.options: strictness/);
    expect(settings({ strictnes: 1 })).toThrow(/strictnes/);
  });

  it("is what the topology validation reads: one schema for options and routes", () => {
    const parsed = agent.options.safeParse({ routes: { "answer.submitted": "x" } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path)).toEqual([["routes", "answer.submitted"]]);
  });
});

describe("the built-in roles", () => {
  it("are declared with defineAgent, each with its stages", () => {
    const stages = Object.fromEntries(
      [...BUILT_IN_AGENTS.values()].map((a) => [a.type, [Object.keys(a.consumes), Object.keys(a.produces)]]),
    );
    expect(stages).toEqual({
      scheduler: [["round.closed"], ["run.started", "round.opened", "round.closed", "run.completed"]],
      attacker: [["round.opened"], ["question.proposed", "round.closed"]],
      defender: [["question.screened"], ["answer.submitted", "round.closed"]],
      judge: [["answer.submitted"], ["verdict.issued", "round.closed"]],
      curator: [
        ["question.proposed", "verdict.issued"],
        ["question.screened", "round.closed", "decontamination.indexed"],
      ],
      trainer: [["run.completed"], ["training.updated"]],
    });
  });

  it("take the with-critic routing of the curator, and refuse a misspelt one", () => {
    const curator = BUILT_IN_AGENTS.get("curator");
    if (!curator) throw new Error("no curator");
    const routes = { "verdict.issued": "verdict.reviewed" };
    expect(agentSettings(curator, { type: "curator", options: { routes } }).routes).toEqual(routes);
    expect(() =>
      agentSettings(curator, {
        type: "curator",
        options: { routes: { "verdict.isued": "verdict.reviewed" } },
      }),
    ).toThrow(/"verdict\.isued" is not a stage curator reads or writes/);
  });

  it("keep a plug-in's machine typed by its own actors", () => {
    // provide() is xstate's own, typed by the machine: a wrong actor output does not type-check.
    const machine = setup({
      types: {
        input: {} as StageInput<RoundOpened>,
        output: {} as StageOutput,
        context: {} as { n: number },
      },
      actors: { count: fromPromise<number, void>(async () => 1) },
    }).createMachine({
      context: { n: 0 },
      initial: "counting",
      states: {
        counting: {
          invoke: {
            src: "count",
            onDone: { target: "done", actions: assign({ n: ({ event }) => event.output }) },
          },
        },
        done: { type: "final" },
      },
      output: () => ({ emit: [] }),
    });
    // @ts-expect-error: count gives a number, not a string
    machine.provide({ actors: { count: fromPromise<string, void>(async () => "one") } });
    expectTypeOf(machine.provide({ actors: { count: fromPromise<number, void>(async () => 2) } })).toExtend<
      StageMachine<RoundOpened>
    >();
  });
});
