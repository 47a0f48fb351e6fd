import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToolRunner, judgeTools, PythonSandbox } from "../../tools/index.ts";

// One sandbox for the whole file: it boots Pyodide once (seconds); every run gets an interpreter of its own.
const sandbox = new PythonSandbox({ timeoutMs: 10_000, memoryMb: 128, maxOutputBytes: 2_000 });
let scratch: string;
let server: Server;
let connections = 0;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "nanoflux-sandbox-"));
  server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  await sandbox.warmUp();
});

afterAll(async () => {
  await sandbox.close();
  await new Promise((resolve) => server.close(resolve));
  await rm(scratch, { recursive: true, force: true });
});

function serverPort(): number {
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("test server has no port");
  return address.port;
}

async function expectHealthy(): Promise<void> {
  const result = await sandbox.run("print(sum(range(10)))");
  expect(result).toMatchObject({ ok: true, stdout: "45\n" });
}

describe("PythonSandbox", () => {
  it("runs code, returns stdout and stderr, and gives each run fresh globals", async () => {
    const first = await sandbox.run(
      "import sys\nsecret = 41\nprint(secret + 1)\nprint('warn', file=sys.stderr)",
    );
    expect(first).toMatchObject({ ok: true, stdout: "42\n", stderr: "warn\n", timedOut: false });

    const second = await sandbox.run("print(secret)");
    expect(second.ok).toBe(false);
    expect(second.error).toContain("NameError");
  });

  it("does not carry module changes or files from one run to the next", async () => {
    await sandbox.run("import math\nmath.pi = 3\nopen('/tmp/note.txt', 'w').write('left behind')");
    const next = await sandbox.run("import math, os\nprint(math.pi, os.listdir('/tmp'))");
    expect(next.stdout).toBe(`${Math.PI} []\n`);
  });

  it("reports a Python exception with its traceback", async () => {
    const result = await sandbox.run("def f(x):\n    return 1 / x\nf(0)");
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/line 2, in f[\s\S]*ZeroDivisionError/);
  });

  it.each([
    ["import js", /ImportError/],
    ["import js; js.process.exit()", /ImportError/],
    ["__import__('js')", /ImportError/],
    ["import pyodide_js", /ImportError/],
    ["from pyodide.ffi import create_proxy", /ImportError/],
    ["from pyodide.code import run_js; run_js('process.exit()')", /ImportError/],
    ["import sys; sys.meta_path.pop(0); import js", /ModuleNotFoundError/],
    [
      // Rebuilding the JavaScript bridge by hand reaches only objects whose constructors are disabled.
      "import _imp, importlib.machinery\n" +
        "core = _imp.create_builtin(importlib.machinery.ModuleSpec('_pyodide_core', None))\n" +
        "core.create_proxy(print).constructor.constructor('return process')()",
      /EvalError: code generation is disabled/,
    ],
  ])("closes the way back into JavaScript: %s", async (code, expected) => {
    const result = await sandbox.run(code);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(expected);
    await expectHealthy();
  });

  it("cannot read host files", async () => {
    const thisFile = fileURLToPath(import.meta.url);
    for (const path of ["/etc/passwd", thisFile]) {
      const result = await sandbox.run(`print(open(${JSON.stringify(path)}).read())`);
      expect(result.ok).toBe(false);
      expect(result.error).toContain("FileNotFoundError");
    }
  });

  it("cannot reach the network", async () => {
    const port = serverPort();
    for (const code of [
      `import socket\nsocket.create_connection(('127.0.0.1', ${port}), timeout=2)`,
      `import urllib.request\nurllib.request.urlopen('http://127.0.0.1:${port}/', timeout=2)`,
    ]) {
      const result = await sandbox.run(code);
      expect(result.ok).toBe(false);
    }
    expect(connections).toBe(0);
  });

  it("cannot start processes", async () => {
    for (const code of [
      "import subprocess\nsubprocess.run(['ls'])",
      "import os\nos.system('ls')",
      "import os\nos.popen('ls').read()",
    ]) {
      const result = await sandbox.run(code);
      expect(result.ok).toBe(false);
      expect(result.error).toMatch(/PermissionError|OSError/);
    }
  });

  it("stops a native call into the host shell, then replaces the broken worker", async () => {
    const marker = join(scratch, "escaped");
    const result = await sandbox.run(
      `import sys\nsys.meta_path.pop(0)\nimport ctypes\nctypes.CDLL(None).system(b"touch ${marker}")`,
    );
    expect(result.ok).toBe(false);
    expect(existsSync(marker)).toBe(false);
    await expectHealthy();
  });

  it("shows no environment variables", async () => {
    const result = await sandbox.run("import os\nprint(dict(os.environ))");
    expect(result).toMatchObject({ ok: true, stdout: "{}\n" });
  });

  it("stops an endless loop at the time limit and works again afterwards", async () => {
    const result = await sandbox.run("while True:\n    pass", { timeoutMs: 1_000 });
    expect(result).toMatchObject({ ok: false, timedOut: true, killedReason: "timeout" });
    expect(result.durationMs).toBeGreaterThanOrEqual(900);
    expect(result.durationMs).toBeLessThan(3_000);
    await expectHealthy();
  });

  it.each([
    ["x = 'a' * 10**9", "memory"],
    ["x = []\nwhile True:\n    x.append(' ' * 10_000)", "memory"],
    ["x = 'a' * 10**10", undefined],
  ])("stops a memory bomb without harming the host: %s", async (code, killedReason) => {
    const result = await sandbox.run(code);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/MemoryError|OverflowError/);
    expect(result.killedReason).toBe(killedReason);
    await expectHealthy();
  });

  it("cuts oversized output and says so", async () => {
    const result = await sandbox.run(
      "import sys\nprint('x' * 100_000)\nprint('y' * 100_000, file=sys.stderr)",
    );
    expect(result.ok).toBe(true);
    for (const stream of [result.stdout, result.stderr]) {
      expect(stream).toContain("[output truncated");
      expect(stream.length).toBeLessThan(2_200);
    }
  });

  it("gives each run a freshly seeded random generator", async () => {
    const draws = await Promise.all([1, 2].map(() => sandbox.run("import random\nprint(random.random())")));
    expect(draws[0]?.stdout).not.toBe(draws[1]?.stdout);
  });

  it("replaces a crashed worker transparently", async () => {
    const crashed = await sandbox.run("import os\nos._exit(1)");
    expect(crashed).toMatchObject({ ok: false, killedReason: "crash" });
    await expectHealthy();
  });

  it("runs concurrent calls and answers each with its own result", async () => {
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => sandbox.run(`print(${n} * 100)`)));
    expect(results.map((result) => result.stdout)).toEqual(["100\n", "200\n", "300\n", "400\n", "500\n"]);
  });

  it("does not start a run that was cancelled before its turn", async () => {
    const result = await sandbox.run("print('never')", { signal: AbortSignal.abort() });
    expect(result).toMatchObject({ ok: false, killedReason: "aborted", stdout: "" });
  });

  it("does not keep an idle process alive, even unclosed", { timeout: 60_000 }, async () => {
    const runTs = fileURLToPath(new URL("../../bin/run-ts.mjs", import.meta.url));
    const script = fileURLToPath(new URL("./fixtures/idle-sandbox.ts", import.meta.url));
    // A child that does not end by itself is killed, and the test fails on its exit code.
    const child = spawn(process.execPath, [runTs, script], {
      stdio: ["ignore", "pipe", "inherit"],
      timeout: 45_000,
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const [exitCode] = await once(child, "exit");
    expect({ exitCode, stdout }).toEqual({ exitCode: 0, stdout: "42\n" });
  });

  it("serves as the Judge's python tool through the runner", async () => {
    const runner = createToolRunner(judgeTools(sandbox));
    const evidence = await runner.call(
      "python",
      JSON.stringify({ code: "from fractions import Fraction\nprint(Fraction(1, 3) + Fraction(1, 6))" }),
    );
    expect(evidence).toMatchObject({ tool: "python", ok: true, output: "stdout:\n1/2\n" });
  });
});
