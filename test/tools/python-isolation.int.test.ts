import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PythonSandbox } from "../../tools/index.ts";

// Hostile snippets, each followed by ordinary calls in the same sandbox: whatever a call does to its
// interpreter, its files or its JavaScript realm, later calls must give their true results.
const sandbox = new PythonSandbox({ timeoutMs: 10_000, memoryMb: 128, maxOutputBytes: 2_000 });

beforeAll(() => sandbox.warmUp());
afterAll(() => sandbox.close());

const ORDINARY = [
  "print(1 + 1)",
  "import math; print(math.sqrt(16))",
  "from fractions import Fraction; print(Fraction(1, 3) + Fraction(1, 6))",
  "import json, os; print(json.dumps([1]), os.listdir('/tmp'), os.listdir(os.getcwd()), dict(os.environ))",
  "import random; random.seed(7); print(len(str(10 ** 4000)), random.randint(1, 10**9))",
].join("\n");
const ORDINARY_OUTPUT = "2\n4.0\n1/2\n[1] [] [] {}\n4001 347712783\n";

// A later call's view of what the hostile ones attack: the blocked imports, and JavaScript objects.
const PROBE = [
  "import _imp, importlib.machinery",
  "refused = []",
  "for name in ('socket', 'js', 'pyodide', 'pyodide_js', 'ctypes', '_pyodide_core', 'micropip'):",
  "    try:",
  "        __import__(name)",
  "    except ImportError:",
  "        refused.append(name)",
  "core = _imp.create_builtin(importlib.machinery.ModuleSpec('_pyodide_core', None))",
  "proxy = core.create_proxy(print)",
  "try:",
  "    proxy.constructor.new()",
  "except Exception as error:",
  "    type_error = error.js_error.constructor",
  "print(len(refused), getattr(proxy.call, 'polluted', None), type_error.prepareStackTrace == 42)",
].join("\n");

interface Hostile {
  /** Printed by the snippet itself when the attack took effect in its own run. */
  proof?: string;
  code: string;
}

const HOSTILE: Record<string, Hostile> = {
  "rebinds print in builtins": {
    proof: "42\n",
    code: [
      "import builtins",
      "real_print = builtins.print",
      "builtins.print = lambda *args, **kwargs: real_print(42)",
      "print(1 + 1)",
    ].join("\n"),
  },
  "rebinds the harness's names through sys._getframe(1).f_globals": {
    proof: "reached the harness\n",
    code: [
      "import sys, types",
      "harness = sys._getframe(1).f_globals",
      "fake = types.ModuleType('builtins')",
      "fake.__dict__.update(vars(harness['builtins']))",
      "fake.print = lambda *args, **kwargs: harness['_streams'][0].write('42\\n')",
      "print('reached the harness' if 'run' in harness else 'no harness')",
      "harness['builtins'] = fake",
      "harness['run'] = lambda code: exec('print(42)')",
      "harness['_describe_failure'] = lambda error: None",
      "harness['_RefuseBlockedModules'].find_spec = lambda *args, **kwargs: None",
    ].join("\n"),
  },
  "walks f_back to the harness and rebinds its builtins and streams": {
    code: [
      "import sys, io",
      "frame = sys._getframe()",
      "while frame.f_back is not None:",
      "    frame = frame.f_back",
      "    frame.f_builtins['print'] = lambda *args, **kwargs: None",
      "    frame.f_globals['_streams'] = (io.StringIO(), io.StringIO())",
    ].join("\n"),
  },
  "patches sys.stdout and its write": {
    proof: "42\n",
    code: [
      "import sys",
      "real_write = sys.stdout.write",
      "class Rewriting:",
      "    def write(self, text): return real_write(text.replace('2', '42'))",
      "    def flush(self): pass",
      "try:",
      "    sys.stdout.write = Rewriting().write",
      "except AttributeError:",
      "    sys.stdout = sys.__stdout__ = Rewriting()",
      "print(1 + 1)",
    ].join("\n"),
  },
  "finds the harness, the import block and builtins through gc and mutates them": {
    proof: "patched\n",
    code: [
      "import gc, builtins",
      "patched = False",
      "for obj in gc.get_objects():",
      "    if callable(obj) and getattr(obj, '__name__', None) == 'run' and hasattr(obj, '__code__'):",
      "        obj.__code__ = (lambda code: None).__code__",
      "        patched = True",
      "    if type(obj).__name__ == '_RefuseBlockedModules':",
      "        type(obj).find_spec = lambda *args, **kwargs: None",
      "for holder in gc.get_referrers(builtins.__dict__):",
      "    if isinstance(holder, dict):",
      "        holder['print'] = lambda *args, **kwargs: None",
      "builtins.__dict__['len'] = lambda obj: 42",
      "builtins.__dict__['abs'] = lambda obj: 42",
      "import sys",
      "sys.__stdout__.write('patched\\n' if patched else 'not found\\n')",
    ].join("\n"),
  },
  "removes the import block and plants modules in sys.modules": {
    proof: "True 42\n",
    code: [
      "import sys, types",
      "sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != '_RefuseBlockedModules']",
      "for name in ('socket', 'js', 'pyodide', 'pyodide_js', 'ctypes', '_pyodide_core', 'micropip'):",
      "    sys.modules[name] = types.ModuleType(name)",
      "sys.modules['socket'].connected = True",
      "fake_math = types.ModuleType('math')",
      "fake_math.sqrt = lambda x: 42",
      "sys.modules['math'] = fake_math",
      "import socket, math",
      "print(socket.connected, math.sqrt(16))",
    ].join("\n"),
  },
  "monkeypatches module attributes and pure-Python classes": {
    proof: "42 42 3\n",
    code: [
      "import math, fractions, json",
      "math.sqrt = lambda x: 42",
      "math.pi = 3",
      "fractions.Fraction.__add__ = lambda a, b: 42",
      "json.dumps = lambda obj: '42'",
      "try:",
      "    int.__add__ = lambda a, b: 42",
      "except TypeError:",
      "    pass",
      "print(math.sqrt(16), fractions.Fraction(1, 3) + fractions.Fraction(1, 6), math.pi)",
    ].join("\n"),
  },
  "registers atexit, trace and profile hooks and lowers interpreter limits": {
    code: [
      "import atexit, sys",
      "atexit.register(lambda: print(42))",
      "sys.settrace(lambda *args: None)",
      "sys.setprofile(lambda *args: None)",
      "sys.setrecursionlimit(60)",
      "sys.set_int_max_str_digits(640)",
      "sys.path.insert(0, '/tmp')",
      "sys.path_hooks.clear()",
      "sys.path_importer_cache.clear()",
    ].join("\n"),
  },
  "tries threads, signals and callbacks scheduled for later": {
    code: [
      "import asyncio, signal, threading",
      "try:",
      "    threading.Thread(target=lambda: print(42)).start()",
      "except RuntimeError:",
      "    pass",
      "threading.excepthook = lambda args: print(42)",
      "signal.signal(signal.SIGINT, lambda *args: print(42))",
      "loop = asyncio.get_event_loop()",
      "loop.call_soon(lambda: print(42))",
      "loop.call_later(0.01, lambda: print(42))",
    ].join("\n"),
  },
  "writes files that later code would read or import": {
    code: [
      "import os, site",
      "open('/tmp/answer.txt', 'w').write('42')",
      "open('/tmp/math.py', 'w').write('sqrt = lambda x: 42')",
      "open(os.path.join(os.getcwd(), 'json.py'), 'w').write('def dumps(obj): return \"42\"')",
      "open(os.path.expanduser('~/fractions.py'), 'w').write('Fraction = None')",
      "packages = site.getsitepackages()[0]",
      "os.makedirs(packages, exist_ok=True)",
      "open(os.path.join(packages, 'sitecustomize.py'), 'w').write('import builtins; builtins.print = None')",
      "os.environ['PYTHONSTARTUP'] = '/tmp/math.py'",
    ].join("\n"),
  },
  "reaches JavaScript objects and mutates them": {
    proof: "42 42\n",
    code: [
      "import _imp, importlib.machinery",
      "core = _imp.create_builtin(importlib.machinery.ModuleSpec('_pyodide_core', None))",
      "proxy = core.create_proxy(print)",
      "try:",
      "    proxy.constructor.new()",
      "except Exception as error:",
      "    type_error = error.js_error.constructor",
      "proxy.call.polluted = 42",
      "type_error.prepareStackTrace = 42",
      "print(proxy.call.polluted, type_error.prepareStackTrace)",
    ].join("\n"),
  },
  "mutates every JavaScript proxy gc can find": {
    code: [
      "import gc",
      "for obj in gc.get_objects():",
      "    if 'Js' in type(obj).__name__:",
      "        for name in ('polluted', 'prepareStackTrace', 'toString', 'push'):",
      "            try:",
      "                setattr(obj, name, 42)",
      "            except Exception:",
      "                pass",
    ].join("\n"),
  },
  "fixes the random generator and the codec registry": {
    code: [
      "import random, codecs, encodings",
      "random.seed(1)",
      "random.randint = lambda a, b: 42",
      "codecs.register(lambda name: None)",
      "encodings._cache.clear()",
    ].join("\n"),
  },
  "ends with the interpreter half torn down": {
    code: ["import sys, builtins", "sys.modules.clear()", "builtins.__dict__.clear()"].join("\n"),
  },
};

describe("PythonSandbox isolation", () => {
  it.each(Object.entries(HOSTILE))(
    "a call that %s changes nothing for later calls",
    async (_name, hostile) => {
      const attack = await sandbox.run(hostile.code);
      if (hostile.proof !== undefined) expect(attack.stdout).toBe(hostile.proof);

      const [sum, ordinary, socket, probe] = await Promise.all([
        sandbox.run("print(1+1)"),
        sandbox.run(ORDINARY),
        sandbox.run("import socket"),
        sandbox.run(PROBE),
      ]);
      expect(sum).toMatchObject({ ok: true, stdout: "2\n", stderr: "" });
      expect(ordinary).toMatchObject({ ok: true, stdout: ORDINARY_OUTPUT, stderr: "" });
      expect(socket.ok).toBe(false);
      expect(socket.error).toMatch(/ImportError: module 'socket' is blocked/);
      expect(probe).toMatchObject({ ok: true, stdout: "7 None False\n" });
    },
  );

  it("still enforces its limits after all of that", async () => {
    const [loop, bomb, flood] = await Promise.all([
      sandbox.run("while True:\n    pass", { timeoutMs: 500 }),
      sandbox.run("x = []\nwhile True:\n    x.append(' ' * 10_000)"),
      sandbox.run("print('x' * 100_000)"),
    ]);
    expect(loop).toMatchObject({ ok: false, timedOut: true, killedReason: "timeout" });
    expect(bomb).toMatchObject({ ok: false, killedReason: "memory" });
    expect(flood.stdout).toContain("[output truncated");
  });
});
