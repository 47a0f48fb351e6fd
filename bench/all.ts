/**
 * Every benchmark with its default parameters, one after another (`npm run bench`). Each runs in a process of
 * its own, so one's start-up and garbage do not weigh on the next. Results are JSON lines on stdout; which
 * script is running goes to stderr. Results and how to read them: BENCHMARKS.md.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

const SCRIPTS = [
  "novelty.ts",
  "embedder.ts",
  "orchestration.ts",
  "utilisation.ts",
  "early-gate.ts",
  "bus-throughput.ts",
  "economy.ts",
  "sandbox.ts",
  "dashboard-board.ts",
];
const runTs = fileURLToPath(new URL("../bin/run-ts.mjs", import.meta.url));

for (const script of SCRIPTS) {
  console.error(`bench/${script}`);
  const child = spawn(process.execPath, [runTs, fileURLToPath(new URL(script, import.meta.url))], {
    stdio: "inherit",
  });
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) process.exitCode = 1;
}
