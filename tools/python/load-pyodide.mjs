/**
 * loadPyodide for the sandbox's worker threads, with Pyodide's WebAssembly compiled once for all of them.
 *
 * V8 shares a compiled WebAssembly.Module between the threads of a process (it travels in workerData), so a
 * worker that gets one skips compiling Pyodide's 10 MB of wasm and the optimising recompiles that follow:
 * measured here, that halves the CPU cost of a worker. loadPyodide has no option for a precompiled module,
 * so WebAssembly.instantiate is redirected to it while Pyodide loads.
 */
import { loadPyodide } from "pyodide";

const WASM_PAGE_BYTES = 65536;

/**
 * `snapshot` is a memory snapshot to restore (see snapshot-worker.mjs) or undefined to boot Python from
 * scratch and allow taking one.
 */
export async function loadSandboxPyodide(wasmModule, snapshot) {
  silenceConsole();
  const instantiate = WebAssembly.instantiate;
  WebAssembly.instantiate = function instantiateCompiled(source, imports) {
    if (source instanceof WebAssembly.Module) return instantiate.call(this, source, imports);
    // The only bytes Pyodide instantiates while it loads are its own binary, just read from disk.
    return instantiate.call(this, wasmModule, imports).then((instance) => {
      if (snapshot) growToFit(instance.exports.memory, snapshot.byteLength);
      return { instance, module: wasmModule };
    });
  };
  try {
    return await loadPyodide({
      // `import js` would expose this object: give it nothing.
      jsglobals: Object.create(null),
      env: { HOME: "/home/pyodide" },
      stdout: () => {},
      stderr: () => {},
      ...(snapshot ? { _loadSnapshot: snapshot } : { _makeSnapshot: true }),
    });
  } finally {
    WebAssembly.instantiate = instantiate;
  }
}

/** Pyodide prints its own diagnostics (a fatal error dump) to the console: keep them off the host's output. */
function silenceConsole() {
  for (const method of ["debug", "error", "info", "log", "trace", "warn"]) console[method] = () => {};
}

/**
 * Pyodide copies a snapshot into the heap as it was created, which is too small for a snapshot of a heap that
 * had grown (pyodide/pyodide#6254): grow it first. Growing now, before Emscripten makes its views of the
 * heap, keeps those views valid.
 */
function growToFit(memory, bytes) {
  const missing = bytes - memory.buffer.byteLength;
  if (missing > 0) memory.grow(Math.ceil(missing / WASM_PAGE_BYTES));
}
