import type { z } from "zod";
import type { TokenUsage, ToolEvidence } from "../protocol/schemas.ts";

/**
 * The port every agent uses to reach a model. The real adapter (llm/openai-model.ts) speaks to any
 * OpenAI-compatible server; tests use the simulator over HTTP through that same adapter.
 */

/** A tool a model may call during a structured request (see tools/registry.ts). */
export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface ToolRunner {
  definitions(): ToolDefinition[];
  /** Runs one call; never throws for a tool failure: the failure is the output the model sees. */
  call(name: string, argumentsJson: string, signal?: AbortSignal): Promise<ToolEvidence>;
}

/** Who a call is for: the row and round of the books it is charged to, and its cancellation. */
export interface CallContext {
  /** Role making the call (attacker, defender, judge, ...). */
  role: string;
  /** The round the call serves, when it serves one. */
  roundId?: string;
  signal?: AbortSignal;
}

export interface StructuredRequest<T> extends CallContext {
  system: string;
  user: string;
  /** Name of the output schema (json_schema response_format name). */
  schemaName: string;
  schema: z.ZodType<T>;
  tools?: ToolRunner;
  maxToolRounds?: number;
}

export interface StructuredResult<T> {
  value: T;
  usage: TokenUsage;
  evidence: ToolEvidence[];
}

export interface ChatModel {
  /** Model id from the topology. */
  readonly id: string;
  /** Model name sent to the endpoint. */
  readonly model: string;
  generate<T>(request: StructuredRequest<T>): Promise<StructuredResult<T>>;
}

export interface TextRequest extends CallContext {
  system: string;
  user: string;
}

export interface TextResult {
  text: string;
  usage: TokenUsage;
}

/** Plain chat for free-text answers (benchmark evaluation), with the same retries and limits. */
export interface TextModel {
  readonly id: string;
  readonly model: string;
  generateText(request: TextRequest): Promise<TextResult>;
}
