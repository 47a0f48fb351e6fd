import { calculatorTool } from "./calculator/calculator-tool.ts";
import type { PythonSandbox } from "./python/python-sandbox.ts";
import { pythonTool } from "./python/python-tool.ts";
import type { Tool } from "./registry.ts";

export { calculate, calculatorTool, formatCalculation } from "./calculator/calculator-tool.ts";
export type { Calculation } from "./calculator/evaluate.ts";
export { Rational } from "./calculator/rational.ts";
export { convertUnits } from "./calculator/units.ts";
export {
  type PythonResult,
  type PythonRunOptions,
  PythonSandbox,
  PythonSandboxOptions,
} from "./python/python-sandbox.ts";
export { formatPythonResult, pythonTool } from "./python/python-tool.ts";
export {
  capOutput,
  createToolRunner,
  defineTool,
  type Tool,
  type ToolContext,
  type ToolResult,
  toolDefinition,
} from "./registry.ts";

/** The tools a Judge gets by default. */
export function judgeTools(sandbox: PythonSandbox): Tool[] {
  return [pythonTool(sandbox), calculatorTool()];
}
