// Generates a small dataset on the built-in simulator with the library, from plain JavaScript:
//   npm run build && node examples/library/generate.mjs [out-dir]
// The runs folder is the first argument, else $NANOFLUX_OUT, else a fresh temporary folder. No API key, no
// network: the shipped demo topology plays every model with the simulator and starts an embedded nats-server.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "nanoflux";

const outDir =
  process.argv[2] ?? process.env.NANOFLUX_OUT ?? (await mkdtemp(join(tmpdir(), "nanoflux-library-")));
const started = Date.now();
const { samples, report, datasetPath } = await generate({ target: 3, outDir });

console.log(
  `${report.status}: ${samples.length} samples from ${report.rounds} rounds in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
for (const sample of samples) console.log(`  ${sample.verdict.level}  ${sample.question.text.slice(0, 90)}`);
console.log(`dataset: ${datasetPath}`);
