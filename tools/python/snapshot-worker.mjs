/**
 * Prepares the interpreter image every sandbox call starts from, once per PythonSandbox: compiles Pyodide's
 * WebAssembly, boots Python, imports the modules snippets use most, and takes a memory snapshot of the heap.
 * No model-written code ever runs here.
 *
 * worker -> host: { type: "image", wasmModule, snapshot } once (worker-protocol.ts)
 *
 * The snapshot holds only the WebAssembly heap: each call's worker restores it into a fresh interpreter in a
 * fresh JavaScript realm, then applies the sandbox's hardening (sandbox-worker.mjs, guard.py). The hardening
 * cannot be baked in here: restoring re-runs Pyodide's bootstrap imports, which the import block would refuse.
 * The snapshot must also be taken before any JavaScript object is handed to Python (Pyodide refuses it then).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { parentPort } from "node:worker_threads";
import { loadSandboxPyodide } from "./load-pyodide.mjs";

// Imported before the snapshot, so a call finds them loaded; guard.py's own imports are among them.
const PRELOADED_MODULES = [
  "cmath",
  "collections",
  "datetime",
  "decimal",
  "fractions",
  "importlib.abc",
  "itertools",
  "math",
  "random",
  "statistics",
  "traceback",
];

const wasmFile = createRequire(import.meta.url).resolve("pyodide/pyodide.asm.wasm");
const wasmModule = await WebAssembly.compile(readFileSync(wasmFile));
const pyodide = await loadSandboxPyodide(wasmModule, undefined);
pyodide.runPython(
  `import importlib\nfor name in ${JSON.stringify(PRELOADED_MODULES)}:\n    importlib.import_module(name)\ndel importlib, name`,
);
const snapshot = pyodide.makeMemorySnapshot();
parentPort.postMessage({ type: "image", wasmModule, snapshot }, [snapshot.buffer]);
