import { fromPromise } from "xstate";
import { z } from "zod";
import { AnswerSubmitted, RoundClosed, VerdictIssued } from "../../bus/messages.ts";
import type { Verdict } from "../../core/schemas.ts";
import { decideVerdict } from "../../domains/verdict.ts";
import { JUDGE_SCHEMA_NAME, JudgeOutput } from "../../llm/role-outputs.ts";
import { type JudgeConsultation, judgeMachine } from "../../machines/judge.ts";
import { createToolRunner, judgeTools, PythonSandbox } from "../../tools/index.ts";
import type { AgentContext, AgentDefinition } from "../definition.ts";
import { modelFor, packFor } from "../model-lookup.ts";

export const JudgeOptions = z
  .object({
    pythonTimeoutMs: z.number().int().positive().default(5000),
    pythonMemoryMb: z.number().int().positive().default(256),
    maxToolRounds: z.number().int().positive().default(4),
  })
  .passthrough();
type JudgeOptions = z.infer<typeof JudgeOptions>;

export function createJudgeActors(context: AgentContext<JudgeOptions>, sandbox: PythonSandbox) {
  const tools = judgeTools(sandbox);
  return {
    consultJudge: fromPromise<JudgeConsultation, AnswerSubmitted>(async ({ input, signal }) => {
      const { spec, question, answer } = input;
      const pack = packFor(context, spec.domain);
      const offered = tools.filter((tool) => pack.tools.includes(tool.name));
      const result = await modelFor(context, context.agent.model ?? spec.judge, "judge").generate({
        role: "judge",
        ...pack.render("judge", { question, answer }),
        schemaName: JUDGE_SCHEMA_NAME,
        schema: JudgeOutput,
        tools: offered.length > 0 ? createToolRunner(offered) : undefined,
        maxToolRounds: context.options.maxToolRounds,
        signal,
      });
      return { output: result.value, evidence: result.evidence, usage: result.usage };
    }),
    decideVerdict: fromPromise<Verdict, { message: AnswerSubmitted; consultation: JudgeConsultation }>(
      async ({ input }) =>
        decideVerdict({
          pack: packFor(context, input.message.spec.domain),
          question: input.message.question,
          answer: input.message.answer,
          judgeOutput: input.consultation.output,
          evidence: input.consultation.evidence,
        }),
    ),
  };
}

export const judgeAgent: AgentDefinition<JudgeOptions> = {
  type: "judge",
  description: "checks the question and reference answer with tools, grades the Defender and its reasoning",
  options: JudgeOptions,
  create: async (context) => {
    const sandbox = new PythonSandbox({
      timeoutMs: context.options.pythonTimeoutMs,
      memoryMb: context.options.pythonMemoryMb,
    });
    return {
      handlers: [
        {
          consumes: "answer.submitted",
          input: AnswerSubmitted,
          produces: { "verdict.issued": VerdictIssued, "round.closed": RoundClosed },
          machine: judgeMachine.provide({ actors: createJudgeActors(context, sandbox) }),
        },
      ],
      close: () => sandbox.close(),
    };
  },
};
