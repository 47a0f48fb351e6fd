import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { ConfigError } from "../../protocol/errors.ts";
import { capOutput, createToolRunner, defineTool, toolDefinition } from "../../tools/registry.ts";

const add = defineTool({
  name: "add",
  description: "adds two integers",
  parameters: z.object({ a: z.number().int(), b: z.number().int(), note: z.string().nullable() }),
  execute: async ({ a, b }) => ({ ok: true, output: String(a + b) }),
});

const explode = defineTool({
  name: "explode",
  description: "always throws",
  parameters: z.object({}),
  execute: async () => {
    throw new Error("boom");
  },
});

const shout = defineTool({
  name: "shout",
  description: "repeats a word",
  parameters: z.object({ word: z.string(), times: z.number().int() }),
  execute: async ({ word, times }) => ({ ok: true, output: word.repeat(times) }),
});

/** Finishes only when its signal is aborted, and records that it was. */
function waitForAbortTool(seen: { aborted: boolean }) {
  return defineTool({
    name: "wait",
    description: "waits until stopped",
    parameters: z.object({}),
    execute: (_args, { signal }) =>
      new Promise((resolve) => {
        signal.addEventListener("abort", () => {
          seen.aborted = true;
          resolve({ ok: true, output: "stopped late" });
        });
      }),
  });
}

describe("defineTool and toolDefinition", () => {
  it("produces an OpenAI-strict JSON Schema: all fields required, no extra properties", () => {
    const definition = toolDefinition(add);
    expect(definition.name).toBe("add");
    expect(definition.parameters).toMatchObject({
      type: "object",
      required: ["a", "b", "note"],
      additionalProperties: false,
      properties: { a: { type: "integer" }, note: { type: ["string", "null"] } },
    });
    expect(definition.parameters).not.toHaveProperty("$schema");
  });

  it("makes nested objects strict too", () => {
    const nested = defineTool({
      name: "nested",
      description: "has a nested object",
      parameters: z.object({
        point: z.object({ x: z.number() }),
        tags: z.array(z.object({ label: z.string() })),
      }),
      execute: async () => ({ ok: true, output: "" }),
    });
    const schema = toolDefinition(nested).parameters;
    expect(schema).toMatchObject({
      properties: {
        point: { additionalProperties: false, required: ["x"] },
        tags: { items: { additionalProperties: false, required: ["label"] } },
      },
    });
  });

  it.each([
    ["optional", z.object({ a: z.string().optional() })],
    ["defaulted", z.object({ a: z.string().default("x") })],
    ["nested optional", z.object({ inner: z.object({ a: z.number().optional() }) })],
  ])("refuses a %s field, which strict mode cannot express", (_label, parameters) => {
    const define = () =>
      defineTool({
        name: "bad",
        description: "",
        parameters,
        execute: async () => ({ ok: true, output: "" }),
      });
    expect(define).toThrow(ConfigError);
    expect(define).toThrow(/\.nullable\(\)/);
  });

  it("refuses a name OpenAI would reject", () => {
    expect(() =>
      defineTool({
        name: "has space",
        description: "",
        parameters: z.object({}),
        execute: async () => ({ ok: true, output: "" }),
      }),
    ).toThrow(ConfigError);
  });
});

describe("createToolRunner", () => {
  it("lists its tools' definitions", () => {
    const runner = createToolRunner([add, shout]);
    expect(runner.definitions().map((definition) => definition.name)).toEqual(["add", "shout"]);
  });

  it("refuses two tools with one name", () => {
    expect(() => createToolRunner([add, add])).toThrow(ConfigError);
  });

  it("runs a tool with validated arguments and records the evidence", async () => {
    const evidence = await createToolRunner([add]).call("add", JSON.stringify({ a: 2, b: 40, note: null }));
    expect(evidence).toMatchObject({
      tool: "add",
      arguments: { a: 2, b: 40, note: null },
      ok: true,
      output: "42",
    });
    expect(evidence.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("treats an empty argument string as no arguments", async () => {
    const evidence = await createToolRunner([explode]).call("explode", "");
    expect(evidence.output).toContain("boom");
  });

  it("answers an unknown tool with the names it knows", async () => {
    const evidence = await createToolRunner([add, shout]).call("multiply", "{}");
    expect(evidence).toMatchObject({ ok: false, tool: "multiply" });
    expect(evidence.output).toContain("Unknown tool 'multiply'");
    expect(evidence.output).toContain("add, shout");
  });

  it("answers arguments that are not JSON and keeps the raw text as evidence", async () => {
    const evidence = await createToolRunner([add]).call("add", "{a: 1");
    expect(evidence).toMatchObject({ ok: false, arguments: "{a: 1" });
    expect(evidence.output).toContain("not valid JSON");
  });

  it("answers invalid arguments naming the field", async () => {
    const evidence = await createToolRunner([add]).call("add", JSON.stringify({ a: 1.5, b: 2, note: null }));
    expect(evidence.ok).toBe(false);
    expect(evidence.output).toMatch(/Invalid arguments for 'add'[\s\S]*\ba\b/);
  });

  it("turns a thrown error into a failed result", async () => {
    const evidence = await createToolRunner([explode]).call("explode", "{}");
    expect(evidence).toMatchObject({ ok: false, output: "'explode' failed: boom" });
  });

  it("stops a tool that overruns the time limit and aborts its signal", async () => {
    const seen = { aborted: false };
    const evidence = await createToolRunner([waitForAbortTool(seen)], { timeoutMs: 20 }).call("wait", "{}");
    expect(evidence).toMatchObject({
      ok: false,
      output: "'wait' did not finish within 20 ms and was stopped.",
    });
    expect(seen.aborted).toBe(true);
  });

  it("stops a tool when the caller cancels", async () => {
    const seen = { aborted: false };
    const caller = new AbortController();
    const pending = createToolRunner([waitForAbortTool(seen)]).call("wait", "{}", caller.signal);
    caller.abort();
    const evidence = await pending;
    expect(evidence).toMatchObject({ ok: false, output: "'wait' was cancelled." });
    expect(seen.aborted).toBe(true);
  });

  it("sets no limit of its own on a tool that limits its own time, however long the tool waits first", async () => {
    vi.useFakeTimers();
    try {
      let release: (result: { ok: boolean; output: string }) => void = () => {};
      const queued = defineTool({
        name: "queued",
        description: "waits for a resource, then runs within a limit of its own",
        parameters: z.object({}),
        limitsOwnTime: true,
        execute: () => new Promise((resolve) => (release = resolve)),
      });
      const pending = createToolRunner([queued], { timeoutMs: 20 }).call("queued", "{}");
      await vi.advanceTimersByTimeAsync(1_000);
      release({ ok: true, output: "ran" });
      expect(await pending).toMatchObject({ ok: true, output: "ran" });
    } finally {
      vi.useRealTimers();
    }
  });

  it("still stops a tool that limits its own time when the caller cancels", async () => {
    const seen = { aborted: false };
    const caller = new AbortController();
    const tool = defineTool({ ...waitForAbortTool(seen), limitsOwnTime: true });
    const pending = createToolRunner([tool], { timeoutMs: 20 }).call("wait", "{}", caller.signal);
    caller.abort();
    expect(await pending).toMatchObject({ ok: false, output: "'wait' was cancelled." });
    expect(seen.aborted).toBe(true);
  });

  it("caps long output and marks the cut", async () => {
    const evidence = await createToolRunner([shout], { maxOutputBytes: 100 }).call(
      "shout",
      JSON.stringify({ word: "ab", times: 500 }),
    );
    expect(evidence.output.startsWith("ab".repeat(50))).toBe(true);
    expect(evidence.output).toContain("[output truncated: 1000 bytes, only the first 100 are shown]");
  });
});

describe("capOutput", () => {
  it("leaves short text alone", () => {
    expect(capOutput("héllo", 6)).toBe("héllo");
  });

  it("never splits a multi-byte character", () => {
    // "é" is two bytes: a cut after 3 bytes falls inside the second one.
    const capped = capOutput("éé€", 3);
    expect(capped.split("\n")[0]).toBe("é");
  });
});
