import { setImmediate as nextTurn } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SystemError } from "../../protocol/errors.ts";
import { createToolRunner, judgeTools, PythonSandbox } from "../../tools/index.ts";

// Runaway code and innocent calls in one sandbox: runaways are stopped at their own limits and cost innocent
// calls at most a wait that no limit counts. Two slots, so that two runaways fill them.
const sandbox = new PythonSandbox({ timeoutMs: 10_000, memoryMb: 128, maxConcurrentRuns: 2 });

const RUNAWAY = "while True:\n    pass";
const MEMORY_BOMB = "x = []\nwhile True:\n    x.append(' ' * 1_000_000)";

beforeAll(() => sandbox.warmUp());
afterAll(() => sandbox.close());

describe("PythonSandbox scheduling", () => {
  it("answers innocent calls submitted among runaways with their true results", async () => {
    const limit = { timeoutMs: 1_000 };
    const [loop1, sum, loop2, bomb1, loop3, factorial, bomb2, product] = await Promise.all([
      sandbox.run(RUNAWAY, limit),
      sandbox.run("print(sum(range(10)))", limit),
      sandbox.run(RUNAWAY, limit),
      sandbox.run(MEMORY_BOMB),
      sandbox.run(RUNAWAY, limit),
      sandbox.run("import math\nprint(math.factorial(20))", limit),
      sandbox.run(MEMORY_BOMB),
      sandbox.run("print(6 * 7)", limit),
    ]);
    for (const loop of [loop1, loop2, loop3]) {
      expect(loop).toMatchObject({ ok: false, timedOut: true, killedReason: "timeout" });
    }
    for (const bomb of [bomb1, bomb2]) {
      expect(bomb).toMatchObject({ ok: false, timedOut: false, killedReason: "memory" });
    }
    expect(sum).toMatchObject({ ok: true, timedOut: false, stdout: "45\n" });
    expect(factorial).toMatchObject({ ok: true, timedOut: false, stdout: "2432902008176640000\n" });
    expect(product).toMatchObject({ ok: true, timedOut: false, stdout: "42\n" });
  });

  it("does not count the wait for an interpreter against the tool runner's limit", async () => {
    const runaways = [1, 2].map(() => sandbox.run(RUNAWAY, { timeoutMs: 1_000 }));
    // The runaways hold both slots for a second: far longer than the runner's limit for one call.
    const runner = createToolRunner(judgeTools(sandbox), { timeoutMs: 100 });
    const evidence = await runner.call("python", JSON.stringify({ code: "print(6 * 7)" }));
    expect(evidence).toMatchObject({ ok: true, output: "stdout:\n42\n" });
    await Promise.all(runaways);
  });

  it("cancels a queued call as soon as its caller gives up", async () => {
    let runawaysEnded = false;
    const runaways = Promise.all([1, 2].map(() => sandbox.run(RUNAWAY, { timeoutMs: 2_000 }))).then(() => {
      runawaysEnded = true;
    });
    const caller = new AbortController();
    const queued = sandbox.run("print('never')", { signal: caller.signal });
    caller.abort();
    expect(await queued).toMatchObject({ ok: false, killedReason: "aborted", stdout: "" });
    // It did not wait for a slot to free.
    expect(runawaysEnded).toBe(false);
    await runaways;
  });

  it("stops a running call when its caller gives up", async () => {
    const result = await sandbox.run(RUNAWAY, { timeoutMs: 60_000, signal: AbortSignal.timeout(500) });
    expect(result).toMatchObject({ ok: false, timedOut: false, killedReason: "aborted" });
  });

  it("on close, ends every call at once: running ones as crashes, waiting ones refused", async () => {
    // A limit far beyond the test's own: only close() can end these in time.
    const outcomes = Promise.allSettled([1, 2, 3].map(() => sandbox.run(RUNAWAY, { timeoutMs: 600_000 })));
    await nextTurn(); // ready spares have received the code by now
    await sandbox.close();
    for (const outcome of await outcomes) {
      if (outcome.status === "fulfilled")
        expect(outcome.value).toMatchObject({ ok: false, killedReason: "crash" });
      else expect(outcome.reason).toBeInstanceOf(SystemError);
    }
    await expect(sandbox.run("print(1)")).rejects.toThrow(SystemError);
  });
});
