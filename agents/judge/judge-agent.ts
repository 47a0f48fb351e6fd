import { fromPromise } from "xstate";
import { z } from "zod";
import { assessQuestion, decideVerdict } from "../../domains/verdict.ts";
import { defineAgent } from "../../host/define-agent.ts";
import type { AgentContext } from "../../host/definition.ts";
import { modelFor, packFor } from "../../host/model-lookup.ts";
import {
  type JudgeGrade,
  type JudgeVerification,
  judgeMachine,
  type VerdictFacts,
} from "../../machines/judge.ts";
import { errorMessage } from "../../protocol/errors.ts";
import { AnswerSubmitted, RoundClosed, VerdictIssued } from "../../protocol/messages.ts";
import type { Verdict } from "../../protocol/schemas.ts";
import { judgeTools, PythonSandbox } from "../../tools/index.ts";
import { deriveBlind, gradeReference } from "./judge-calls.ts";

export const JudgeOptions = z
  .object({
    pythonTimeoutMs: z.number().int().positive().default(5000),
    pythonMemoryMb: z.number().int().positive().default(256),
    maxToolRounds: z.number().int().positive().default(4),
  })
  .passthrough();
export type JudgeOptions = z.infer<typeof JudgeOptions>;

/** What the Judge's actors use of their agent's context. */
export type JudgeActorContext = Pick<AgentContext<JudgeOptions>, "models" | "packs" | "options" | "agent">;

export function createJudgeActors(context: JudgeActorContext, sandbox: PythonSandbox) {
  const tools = judgeTools(sandbox);
  const judgeModel = (message: AnswerSubmitted) =>
    modelFor(context, context.agent.model ?? message.spec.judge, "judge");
  return {
    deriveAnswer: fromPromise<JudgeVerification, AnswerSubmitted>(async ({ input, signal }) => {
      const pack = packFor(context, input.spec.domain);
      const result = await deriveBlind({
        model: judgeModel(input),
        roundId: input.spec.roundId,
        pack,
        question: input.question,
        tools,
        maxToolRounds: context.options.maxToolRounds,
        signal,
      });
      const blind = { output: result.value, evidence: result.evidence };
      return { blind, worthGrading: assessQuestion(pack, input.question, blind).valid };
    }),
    gradeSolution: fromPromise<JudgeGrade, { message: AnswerSubmitted; verification: JudgeVerification }>(
      async ({ input, signal }) => {
        const { message, verification } = input;
        const result = await gradeReference({
          model: judgeModel(message),
          roundId: message.spec.roundId,
          pack: packFor(context, message.spec.domain),
          question: message.question,
          blind: verification.blind,
          signal,
        });
        return { grading: result.value };
      },
    ),
    decideVerdict: fromPromise<Verdict, VerdictFacts>(async ({ input }) =>
      decideVerdict({
        pack: packFor(context, input.message.spec.domain),
        question: input.message.question,
        answer: input.message.answer,
        blind: input.verification.blind,
        ...(input.grade ? { grading: input.grade.grading } : {}),
      }),
    ),
  };
}

export const judgeAgent = defineAgent({
  type: "judge",
  description: "derives each answer blind with tools, checks the reference against it, grades the solution",
  options: JudgeOptions,
  consumes: { "answer.submitted": AnswerSubmitted },
  produces: { "verdict.issued": VerdictIssued, "round.closed": RoundClosed },
  create: (context) => {
    const sandbox = new PythonSandbox({
      timeoutMs: context.options.pythonTimeoutMs,
      memoryMb: context.options.pythonMemoryMb,
    });
    // Boot Pyodide now rather than in the first round; a failure shows again, with its cause, on that round.
    sandbox
      .warmUp()
      .catch((err: unknown) =>
        context.logger.warn({ err: errorMessage(err) }, "the Python sandbox did not start yet"),
      );
    return {
      stages: { "answer.submitted": judgeMachine.provide({ actors: createJudgeActors(context, sandbox) }) },
      close: () => sandbox.close(),
    };
  },
});
