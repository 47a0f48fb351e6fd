import type { ChatModel, StructuredRequest, StructuredResult } from "../../llm/chat-model.ts";
import type { TokenUsage, ToolEvidence } from "../../protocol/schemas.ts";

/**
 * A scripted, in-process ChatModel for unit tests: no server, no HTTP, no simulator. Each expected call names
 * the role and output schema it must be for (and, optionally, what its prompt must say) and what it answers.
 * Calls must come in the script's order. The fake is strict: a call the script did not expect, or one that
 * does not match the next step, is refused with an UnexpectedModelCall and remembered, and `assertDone()`
 * fails the test on anything remembered and on every step left unused. It never repeats a step.
 *
 *   const model = new ScriptedChatModel({ id: "alpha" })
 *     .expect({ role: "attacker", schemaName: ATTACKER_SCHEMA_NAME, prompt: /complexity 3/ })
 *     .returns(attackerOutput)
 *     .expect({ role: "judge", schemaName: JUDGE_DERIVATION_SCHEMA_NAME })
 *     .fails(new ModelError("no valid output", { code: "MODEL_MALFORMED" }));
 *   ... run the code under test ...
 *   model.assertDone();
 */

/** What the next call must be. */
export interface CallExpectation {
  /** The role the call is made for: attacker, defender, judge, ... */
  role: string;
  /** The name of the output schema it asks for (ATTACKER_SCHEMA_NAME, ...). */
  schemaName: string;
  /** What the prompt must say: a pattern the user message matches, or a predicate over the whole request. */
  prompt?: RegExp | ((request: StructuredRequest<unknown>) => boolean);
  /** The round the call must be charged to. */
  roundId?: string;
}

/** Tokens a scripted reply reports; left out, they are estimated from the text (about 4 characters a token). */
export interface ScriptedUsage {
  promptTokens?: number;
  completionTokens?: number;
}

export interface ReplyOptions {
  usage?: ScriptedUsage;
  /** Tool calls the reply reports having made. */
  evidence?: ToolEvidence[];
}

type Outcome =
  | { kind: "value"; value: unknown; options: ReplyOptions }
  | { kind: "respond"; respond: (request: StructuredRequest<unknown>) => unknown; options: ReplyOptions }
  | { kind: "error"; error: Error }
  | { kind: "hang" };

interface Step {
  expectation: CallExpectation;
  outcome: Outcome;
}

/** One call the model received, as the code under test made it. */
export interface RecordedCall {
  role: string;
  schemaName: string;
  system: string;
  user: string;
  roundId: string | undefined;
  /** What it was charged; undefined for a call that failed or was refused. */
  usage: TokenUsage | undefined;
}

/** A call the script did not expect. The fake also remembers it, for assertDone(), in case the caller swallows it. */
export class UnexpectedModelCall extends Error {
  override readonly name = "UnexpectedModelCall";
}

/** The abort reason, or an AbortError like the one fetch throws. */
function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function describeExpectation(expectation: CallExpectation): string {
  const parts = [`role ${expectation.role}`, `schema ${expectation.schemaName}`];
  if (expectation.prompt instanceof RegExp) parts.push(`a prompt matching ${expectation.prompt}`);
  else if (expectation.prompt) parts.push("a prompt its predicate accepts");
  if (expectation.roundId !== undefined) parts.push(`round ${expectation.roundId}`);
  return parts.join(", ");
}

/** Why a request does not meet an expectation, or undefined when it does. */
function mismatch(expectation: CallExpectation, request: StructuredRequest<unknown>): string | undefined {
  if (request.role !== expectation.role) return `its role is ${request.role}`;
  if (request.schemaName !== expectation.schemaName) return `it asks for schema ${request.schemaName}`;
  if (expectation.roundId !== undefined && request.roundId !== expectation.roundId)
    return `it is charged to round ${request.roundId ?? "(none)"}`;
  const { prompt } = expectation;
  if (prompt instanceof RegExp && !prompt.test(request.user))
    return `its user message does not match ${prompt}: ${JSON.stringify(request.user.slice(0, 200))}`;
  if (typeof prompt === "function" && !prompt(request)) return "the prompt predicate rejects it";
  return undefined;
}

/** Says what the step expected by `expect()` answers; each method adds the step and returns the model. */
export interface StepBuilder {
  /** Answers with this output, checked against the request's schema as the real adapter checks a model's. */
  returns(value: unknown, options?: ReplyOptions): ScriptedChatModel;
  /** Answers with what `respond` makes of the request (it may run the request's tools, or await). */
  respondsWith(
    respond: (request: StructuredRequest<unknown>) => unknown,
    options?: ReplyOptions,
  ): ScriptedChatModel;
  /** Throws this error, as the adapter does when a model misbehaves or its endpoint fails. */
  fails(error: Error): ScriptedChatModel;
  /** Never answers: the call ends only when its signal aborts (a call without a signal hangs the test). */
  hangs(): ScriptedChatModel;
}

export class ScriptedChatModel implements ChatModel {
  readonly id: string;
  readonly model: string;
  /** Every call received, in order, whether it met its step or not. */
  readonly calls: RecordedCall[] = [];
  private readonly steps: Step[] = [];
  private used = 0;
  private readonly failures: string[] = [];

  constructor(options: { id?: string; model?: string } = {}) {
    this.id = options.id ?? "scripted";
    this.model = options.model ?? `${this.id}-model`;
  }

  /** Expects the next call; the returned builder says what it answers. */
  expect(expectation: CallExpectation): StepBuilder {
    const add = (outcome: Outcome) => {
      this.steps.push({ expectation, outcome });
      return this;
    };
    return {
      returns: (value, options = {}) => add({ kind: "value", value, options }),
      respondsWith: (respond, options = {}) => add({ kind: "respond", respond, options }),
      fails: (error) => add({ kind: "error", error }),
      hangs: () => add({ kind: "hang" }),
    };
  }

  async generate<T>(request: StructuredRequest<T>): Promise<StructuredResult<T>> {
    const record: RecordedCall = {
      role: request.role,
      schemaName: request.schemaName,
      system: request.system,
      user: request.user,
      roundId: request.roundId,
      usage: undefined,
    };
    this.calls.push(record);
    const number = this.calls.length;
    const step = this.steps[this.used];
    const got = `role ${request.role}, schema ${request.schemaName}`;
    if (!step)
      throw this.refuse(`call ${number} (${got}) came after the script's ${this.steps.length} steps`);
    const why = mismatch(step.expectation, request as StructuredRequest<unknown>);
    if (why)
      throw this.refuse(
        `call ${number} does not meet step ${this.used + 1} (${describeExpectation(step.expectation)}): ${why}`,
      );
    this.used++;
    if (request.signal?.aborted) throw abortReason(request.signal);
    const { outcome } = step;
    if (outcome.kind === "error") throw outcome.error;
    if (outcome.kind === "hang") return this.hang(request.signal);
    const value =
      outcome.kind === "value" ? outcome.value : await outcome.respond(request as StructuredRequest<unknown>);
    const parsed = request.schema.safeParse(value);
    if (!parsed.success)
      throw this.refuse(
        `step ${this.used}: the scripted output does not fit schema ${request.schemaName}: ${parsed.error.message}`,
      );
    const usage: TokenUsage = {
      model: this.id,
      role: request.role,
      promptTokens:
        outcome.options.usage?.promptTokens ?? estimateTokens(`${request.system}\n${request.user}`),
      completionTokens: outcome.options.usage?.completionTokens ?? estimateTokens(JSON.stringify(value)),
      calls: 1,
    };
    record.usage = usage;
    return { value: parsed.data, usage, evidence: outcome.options.evidence ?? [] };
  }

  /** Tokens charged over every answered call, as a run's books would add them up. */
  totalUsage(): { promptTokens: number; completionTokens: number; calls: number } {
    const charged = this.calls.flatMap((call) => (call.usage ? [call.usage] : []));
    return {
      promptTokens: charged.reduce((sum, u) => sum + u.promptTokens, 0),
      completionTokens: charged.reduce((sum, u) => sum + u.completionTokens, 0),
      calls: charged.length,
    };
  }

  /** Throws, listing every refused call and every step left unused; call it at the end of each test. */
  assertDone(): void {
    const unused = this.steps
      .slice(this.used)
      .map(
        (step, i) => `step ${this.used + i + 1} (${describeExpectation(step.expectation)}) was never called`,
      );
    const problems = [...this.failures, ...unused];
    if (problems.length > 0)
      throw new UnexpectedModelCall(
        `scripted model "${this.id}": ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join("\n")}`,
      );
  }

  private refuse(problem: string): UnexpectedModelCall {
    this.failures.push(problem);
    return new UnexpectedModelCall(`scripted model "${this.id}": ${problem}`);
  }

  private hang(signal: AbortSignal | undefined): Promise<never> {
    return new Promise((_, reject) => {
      signal?.addEventListener("abort", () => reject(abortReason(signal)), { once: true });
    });
  }
}
