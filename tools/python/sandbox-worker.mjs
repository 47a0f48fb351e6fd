/**
 * One sandbox call: a fresh interpreter, restored from the interpreter image, in a fresh worker thread (so a
 * fresh JavaScript realm). It runs exactly one snippet; then the host terminates it. Nothing a snippet does
 * to the interpreter, its files or this realm can reach a later call: the next call has other ones. Plain
 * JavaScript, so the worker starts without a TypeScript loader; the host validates every message it sends.
 *
 * host -> worker: workerData { wasmModule, snapshot, memoryLimitBytes, maxOutputBytes }, then { type: "run", code }
 * worker -> host: { type: "ready" }, then { type: "result", error, stdout, stderr, stdoutTruncated,
 *                 stderrTruncated, memoryExceeded, fatal } (worker-protocol.ts)
 *
 * What a call must not reach during its own run (the network, processes, host files, the host's memory) is
 * guarded JavaScript-side: once the interpreter is up, the worker refuses the Node modules that reach
 * processes and the network, disables code generation from strings, and empties every object Python could
 * use to get back into JavaScript. guard.py adds the Python-side refusals on top.
 */
import { readFileSync } from "node:fs";
import Module from "node:module";
import { parentPort, workerData } from "node:worker_threads";
import { loadSandboxPyodide } from "./load-pyodide.mjs";

const WASM_PAGE_BYTES = 65536;
const { wasmModule, snapshot, memoryLimitBytes, maxOutputBytes } = workerData;

/** Collects one output stream up to a byte cap; Pyodide hands it raw UTF-8 bytes. */
class CappedOutput {
  chunks = [];
  bytes = 0;
  truncated = false;

  constructor(capBytes) {
    this.capBytes = capBytes;
  }

  write(buffer) {
    const room = this.capBytes - this.bytes;
    if (buffer.length > room) this.truncated = true;
    const kept = buffer.subarray(0, Math.max(0, room));
    if (kept.length > 0) {
      this.chunks.push(Uint8Array.from(kept));
      this.bytes += kept.length;
    }
    return buffer.length;
  }

  text() {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

let memoryExceeded = false;

/**
 * Pyodide's heap grows through WebAssembly.Memory#grow: refusing growth past the cap makes malloc fail,
 * which Python reports as MemoryError instead of taking the host's memory.
 */
function capWasmMemory() {
  const grow = WebAssembly.Memory.prototype.grow;
  WebAssembly.Memory.prototype.grow = function cappedGrow(pages) {
    if (this.buffer.byteLength + pages * WASM_PAGE_BYTES > memoryLimitBytes) {
      memoryExceeded = true;
      throw new RangeError(`sandbox memory limit of ${memoryLimitBytes} bytes reached`);
    }
    return grow.call(this, pages);
  };
}

const REFUSED_NODE_MODULES = new Set([
  "child_process",
  "cluster",
  "dgram",
  "dns",
  "fs",
  "fs/promises",
  "http",
  "http2",
  "https",
  "inspector",
  "net",
  "tls",
  "vm",
  "worker_threads",
  "ws",
]);

/** Emscripten's system(), sockets and mounts `require` Node modules on demand: refuse the outbound ones. */
function refuseOutboundModules() {
  const load = Module._load;
  Module._load = function guardedLoad(request, ...rest) {
    if (REFUSED_NODE_MODULES.has(String(request).replace(/^node:/, ""))) {
      throw new Error(`module '${request}' is not available in the Python sandbox`);
    }
    return load.call(this, request, ...rest);
  };
}

/** Any JavaScript function Python gets hold of would otherwise lead to `Function("...")`: arbitrary code. */
function disableCodeGeneration() {
  const refuse = () => {
    throw new EvalError("code generation is disabled in the Python sandbox");
  };
  // Pyodide shows `constructor.name` as the type of a JavaScript object: keep it "Function".
  Object.defineProperty(refuse, "name", { value: "Function" });
  const prototypes = [() => {}, async () => {}, function* () {}, async function* () {}].map((fn) =>
    Object.getPrototypeOf(fn),
  );
  for (const prototype of prototypes) {
    Object.defineProperty(prototype, "constructor", { value: refuse, writable: false, configurable: false });
  }
  Object.defineProperty(globalThis, "eval", { value: refuse, writable: false, configurable: false });
}

/** Leaves the Pyodide API object (importable as `pyodide_js`) and the Node globals Pyodide added empty. */
function emptyBridges(pyodide) {
  delete pyodide.FS.filesystems.NODEFS;
  for (const key of Reflect.ownKeys(pyodide)) delete pyodide[key];
  for (const name of ["require", "fetch", "WebSocket", "XMLHttpRequest"]) delete globalThis[name];
}

const stdout = new CappedOutput(maxOutputBytes);
const stderr = new CappedOutput(maxOutputBytes);

capWasmMemory();
const pyodide = await loadSandboxPyodide(wasmModule, snapshot);
// Pyodide keeps the snapshot it restored (in its config): detach this copy, 30 MB the worker no longer needs.
structuredClone(snapshot.buffer, { transfer: [snapshot.buffer] });
pyodide.setStdout(stdout);
pyodide.setStderr(stderr);
pyodide.setStdin({ stdin: () => null });

const guardGlobals = pyodide.toPy({});
pyodide.runPython(readFileSync(new URL("./guard.py", import.meta.url), "utf8"), { globals: guardGlobals });
const runSnippet = guardGlobals.get("run");

refuseOutboundModules();
disableCodeGeneration();
emptyBridges(pyodide);

function run(code) {
  let error = null;
  let fatal = false;
  try {
    error = runSnippet(code) ?? null;
  } catch (failure) {
    // run() catches every Python exception, so a JavaScript error here means the interpreter itself broke.
    error = `the Python interpreter failed: ${failure instanceof Error ? failure.message : String(failure)}`;
    fatal = true;
  }
  return {
    error,
    stdout: stdout.text(),
    stderr: stderr.text(),
    stdoutTruncated: stdout.truncated,
    stderrTruncated: stderr.truncated,
    memoryExceeded,
    fatal,
  };
}

let used = false;
parentPort.on("message", (message) => {
  // One snippet per interpreter, whatever the host sends; the listener stays so the thread waits to be ended.
  if (used || message?.type !== "run" || typeof message.code !== "string") return;
  used = true;
  parentPort.postMessage({ type: "result", ...run(message.code) });
});
parentPort.postMessage({ type: "ready" });
