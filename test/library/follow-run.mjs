// Runs the shipped demo through the built library with plain node, following its events, and prints one JSON
// line for test/library/library.int.test.ts: the event types in the order seen and how the run ended.
//   node test/library/follow-run.mjs <out-dir> complete   the run goes to its target (2)
//   node test/library/follow-run.mjs <out-dir> stop       stop() after the first closed round
import { DEMO_TOPOLOGY, runTopology } from "nanoflux";

const [outDir, mode = "complete"] = process.argv.slice(2);
if (!outDir) throw new Error("usage: follow-run.mjs <out-dir> [complete|stop]");

const run = runTopology(DEMO_TOPOLOGY, { target: mode === "stop" ? 50 : 2, outDir });
const types = [];
let stopping;
for await (const event of run.events) {
  types.push(event.type);
  if (mode === "stop" && event.type === "round.closed.v1") stopping ??= run.stop("enough");
}
const outcome = await run.result;
const stopped = stopping ? await stopping : undefined;
process.stdout.write(
  `${JSON.stringify({
    types,
    status: outcome.report.status,
    samples: outcome.samples.length,
    datasetPath: outcome.datasetPath,
    runId: outcome.runId,
    stopReturnedResult: stopped === undefined ? undefined : stopped === outcome,
  })}\n`,
);
