import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  isResponseFormatRejection,
  looksLikeRefusal,
  outputSpec,
  parseStructured,
  responseFormat,
  systemMessage,
} from "../../llm/structured-output.ts";
import { ModelError, SystemError } from "../../protocol/errors.ts";

const Answer = z.object({ final_answer: z.string(), steps: z.array(z.string()) });

describe("structured output", () => {
  it("validates extracted JSON and names each violation by path", () => {
    expect(parseStructured('Answer: {"final_answer": "4", "steps": ["2+2"]}', Answer)).toEqual({
      ok: true,
      value: { final_answer: "4", steps: ["2+2"] },
    });
    const bad = parseStructured('{"final_answer": 4, "steps": "2+2"}', Answer);
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.foundJson).toBe(true);
    expect(bad.problem).toMatch(/final_answer: .*string/);
    expect(bad.problem).toMatch(/steps: .*array/);
  });

  it("asks for json_schema strictly, or puts the schema in the system message for json_object", () => {
    const spec = outputSpec("defender_answer", Answer);
    expect(responseFormat("json_schema", spec)).toEqual({
      type: "json_schema",
      json_schema: { name: "defender_answer", strict: true, schema: spec.jsonSchema },
    });
    expect(systemMessage("json_schema", "Be careful.", spec)).toBe("Be careful.");
    expect(responseFormat("json_object", spec)).toEqual({ type: "json_object" });
    const system = systemMessage("json_object", "Be careful.", spec);
    expect(system.startsWith("Be careful.")).toBe(true);
    expect(system).toContain(JSON.stringify(spec.jsonSchema));
  });

  it("recognises refusal prose but not ordinary answers", () => {
    expect(looksLikeRefusal("I'm sorry, but I can't help with that request.")).toBe(true);
    expect(looksLikeRefusal("I cannot assist with creating this question.")).toBe(true);
    expect(looksLikeRefusal("The answer is 12 because the train cannot go faster.")).toBe(false);
  });

  it("recognises a server's rejection of response_format only on a bad request", () => {
    const rejection = new SystemError("rejected the request (400 response_format json_schema unsupported)", {
      code: "MODEL_REQUEST_REJECTED",
    });
    expect(isResponseFormatRejection(rejection)).toBe(true);
    expect(
      isResponseFormatRejection(
        new SystemError("400 context length exceeded", { code: "MODEL_REQUEST_REJECTED" }),
      ),
    ).toBe(false);
    expect(isResponseFormatRejection(new ModelError("bad json_schema output"))).toBe(false);
  });
});
