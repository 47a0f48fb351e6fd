import { z } from "zod";
import { defineTool, type Tool } from "../registry.ts";
import type { PythonResult, PythonSandbox } from "./python-sandbox.ts";

export const PythonParameters = z.object({
  code: z.string().describe("a complete Python 3 program; print() every value you want to see"),
});

/** The `python` tool: runs model-written code in the sandbox and shows the model what it printed. */
export function pythonTool(sandbox: PythonSandbox): Tool<typeof PythonParameters> {
  const { timeoutMs, memoryMb } = sandbox.settings;
  return defineTool({
    name: "python",
    description: [
      "Runs Python 3 with the standard library only (math, fractions, decimal, itertools, statistics, ...):",
      "no packages, network, files or input. Each call runs in a fresh interpreter: nothing carries over.",
      `Limits: ${timeoutMs / 1000} s and ${memoryMb} MB per call. Returns stdout, stderr and any error.`,
    ].join(" "),
    parameters: PythonParameters,
    // The sandbox's limit counts only the run itself, not the wait for a free interpreter behind other calls.
    limitsOwnTime: true,
    execute: async ({ code }, { signal }) => {
      const result = await sandbox.run(code, { signal });
      return { ok: result.ok, output: formatPythonResult(result) };
    },
  });
}

/** Labelled sections, so the model can tell printed output from an error. */
export function formatPythonResult(result: PythonResult): string {
  const sections = [
    ["stdout", result.stdout],
    ["stderr", result.stderr],
    ["error", result.error ?? ""],
  ].filter(([, text]) => text !== "");
  if (sections.length === 0) return "(no output: print() the values you need)";
  return sections.map(([label, text]) => `${label}:\n${text}`).join("\n");
}
