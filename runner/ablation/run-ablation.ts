import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { connectNats } from "../../bus/connection.ts";
import { type Topology, TrainingConfig } from "../../config/topology.ts";
import { writeFileAtomic } from "../../core/atomic-file.ts";
import { loadBenchmark } from "../../eval/benchmarks.ts";
import { createEvalModel } from "../../eval/eval-model.ts";
import { runBenchmark } from "../../eval/run-benchmark.ts";
import type { Logger } from "../../log/logger.ts";
import { ConfigError } from "../../protocol/errors.ts";
import { RunReport } from "../../protocol/run-report.ts";
import type { Sample } from "../../protocol/schemas.ts";
import type { TrainingCompute } from "../../protocol/training.ts";
import type { TrainingBackend } from "../../trainer/backend.ts";
import { createBackend } from "../../trainer/backends.ts";
import { benchmarkItemToChat, type ChatExample, sampleToChat } from "../../trainer/chat-export.ts";
import { readRunSamples } from "../../trainer/run-dataset.ts";
import { readTrainingCompute, trainRun } from "../../trainer/train-run.ts";
import type { PreparedTopology } from "../prepare-topology.ts";
import { runSession } from "../run-session.ts";
import { ablationCells, generationTarget, sliceFor } from "./cells.ts";
import { accuracyChart, lossChart } from "./charts.ts";
import { type AblationRecord, type CellResult, EvalRef, FineTuneResult, type LossPoint } from "./record.ts";
import { type AblationSpec, TOKEN } from "./spec.ts";
import { ablationMarkdown } from "./table.ts";

/**
 * `nanoflux ablate`: one generation run keeping every level and complexity asked for, sliced into cells; a
 * fine-tune per cell through the topology's trainer backend; an evaluation of each, of the base model and, if
 * asked, of a fine-tune on a whole benchmark; then a table and two charts. Every finished step is written down,
 * so running it again redoes nothing that finished.
 */

export interface AblationOptions {
  prepared: PreparedTopology;
  spec: AblationSpec;
  logger: Logger;
  signal?: AbortSignal;
  /** One line per step, for the terminal. */
  say?(line: string): void;
}

export interface AblationResult {
  dir: string;
  record: AblationRecord;
  /** Cells (and baselines) this invocation trained or evaluated; the rest were done before. */
  worked: number;
}

const EVAL_CONCURRENCY = 8;

interface Trainer {
  backend: TrainingBackend;
  training: TrainingConfig;
  baseModel: string;
  evalBaseUrl: string;
  apiKeyEnv?: string;
  close(): Promise<void>;
}

/** Where fine-tunes run and where the models are served, from the topology's `training` section. */
async function openTrainer(prepared: PreparedTopology, spec: AblationSpec): Promise<Trainer> {
  const { topology, env } = prepared;
  if (!topology.training)
    throw new ConfigError(
      "nanoflux ablate fine-tunes every cell: give the topology a `training` section (backend, model or baseModel)",
    );
  const training = TrainingConfig.parse(topology.training);
  const model = topology.models.find((m) => m.id === training.model);
  const baseModel = training.baseModel ?? model?.model;
  if (!baseModel)
    throw new ConfigError("training: give training.baseModel, or training.model naming a models entry");
  const evalBaseUrl = spec.evalBaseUrl ?? model?.baseUrl ?? training.baseUrl;
  if (!evalBaseUrl)
    throw new ConfigError(
      "nanoflux ablate evaluates the fine-tuned models: give evalBaseUrl in the spec, or training.model naming a models entry",
    );
  const apiKeyEnv = training.apiKeyEnv ?? model?.apiKeyEnv;
  const nats =
    training.backend === "gpu-hosts" && topology.nats.url
      ? await connectNats({ servers: topology.nats.url, name: "nanoflux-ablate", auth: topology.nats })
      : undefined;
  const backend = await createBackend(
    {
      backend: training.backend,
      baseModel,
      baseUrl: training.baseUrl ?? model?.baseUrl,
      apiKeyEnv,
      producer: "nanoflux-ablate",
    },
    { env, nats, natsReplicas: topology.nats.replicas },
  );
  return {
    backend,
    training,
    baseModel,
    evalBaseUrl,
    apiKeyEnv,
    close: async () => {
      await backend.close?.();
      await nats?.close();
    },
  };
}

/** The topology of the generation run: the spec's levels, an even mix of its complexities (and domains). */
function generationTopology(topology: Topology, spec: AblationSpec): Topology {
  const even = (keys: Array<string | number>) => Object.fromEntries(keys.map((k) => [String(k), 1]));
  return {
    ...topology,
    run: { ...topology.run, ...(spec.domains ? { domains: spec.domains } : {}) },
    curation: {
      ...topology.curation,
      target: generationTarget(spec),
      levels: spec.levels,
      complexityMix: even(spec.complexities),
      ...(spec.domains && spec.domains.length > 1 ? { domainMix: even(spec.domains) } : {}),
    },
  };
}

/** The generation run's samples: read back when the run finished before, else run (or resumed) now. */
async function generate(
  options: AblationOptions,
  runId: string,
): Promise<{ samples: Sample[]; ran: boolean }> {
  const { prepared, spec } = options;
  const runDir = resolve(prepared.topology.run.outDir, runId);
  const previous = RunReport.safeParse(await readJson(join(runDir, "report.json")));
  const finished = previous.success && !["running", "interrupted"].includes(previous.data.status);
  if (!finished) {
    options.say?.(`generating: run ${runId}, target ${generationTarget(spec)} samples`);
    const { signal } = options;
    const interrupt =
      signal &&
      new Promise<string>((stop) =>
        signal.addEventListener("abort", () => stop("interrupted"), { once: true }),
      );
    const result = await runSession({
      prepared: { ...prepared, topology: generationTopology(prepared.topology, spec) },
      runId,
      logger: options.logger,
      ...(interrupt ? { interrupt } : {}),
    });
    if (result.report.status === "interrupted")
      throw new ConfigError(`run ${runId} was interrupted; run ablate again to resume it`);
  } else options.say?.(`generating: run ${runId} finished before; reusing its dataset`);
  return { samples: (await readRunSamples(runDir)).samples, ran: !finished };
}

/** A stable digest of a step's inputs: the step is redone when they change. */
function fingerprint(inputs: unknown): string {
  return createHash("sha256").update(JSON.stringify(inputs)).digest("hex");
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, "utf8"));
  } catch {
    return undefined;
  }
}

export async function runAblation(options: AblationOptions): Promise<AblationResult> {
  const { prepared, spec, signal } = options;
  const name = spec.name ?? prepared.topology.name;
  if (!TOKEN.test(name))
    throw new ConfigError(
      `the ablation is named "${name.slice(0, 80)}" (the topology's name), which cannot name a folder: give name: in the spec`,
    );
  const dir = resolve(prepared.topology.run.outDir, "ablations", name);
  // The generation run belongs to what it generates for: other levels or complexities make another run.
  const generating = {
    levels: spec.levels,
    complexities: spec.complexities,
    sizes: spec.sizes,
    domains: spec.domains,
  };
  const runId = `ablate-${name}-${fingerprint(generating).slice(0, 8)}`;
  // Bad benchmark names fail here, before a run is paid for.
  await loadBenchmark(spec.benchmark);
  if (spec.fullBenchmark) await loadBenchmark(spec.fullBenchmark);
  const trainer = await openTrainer(prepared, spec);
  let worked = 0;
  try {
    await mkdir(dir, { recursive: true });
    const { samples, ran } = await generate(options, runId);
    if (ran) worked++;

    const evaluate = async (
      model: string,
      label: string,
      outDir: string,
      training?: TrainingCompute,
    ): Promise<EvalRef> => {
      const endpoint = {
        model,
        baseUrl: trainer.evalBaseUrl,
        apiKeyEnv: trainer.apiKeyEnv,
        concurrency: EVAL_CONCURRENCY,
      };
      const { summary, summaryFile } = await runBenchmark(
        createEvalModel(endpoint, { env: prepared.env, logger: options.logger }),
        {
          benchmark: spec.benchmark,
          selection: { sample: spec.evalItems, seed: spec.seed },
          concurrency: EVAL_CONCURRENCY,
          label,
          model,
          baseUrl: trainer.evalBaseUrl,
          outDir,
          ...(training ? { training } : {}),
          signal,
        },
      );
      const { accuracy, ci95, n, correct, errors } = summary;
      return { summaryFile, accuracy, ci95, n, correct, errors };
    };

    /**
     * A step done before, with the same inputs, is read back from its file (checked by its schema); otherwise it
     * is done now and written down, unless `worthKeeping` says the result is a failure to try again next time.
     */
    const once = async <T>(
      file: string,
      what: string,
      inputs: unknown,
      schema: z.ZodType<T>,
      work: () => Promise<T>,
      worthKeeping: (result: T) => boolean = () => true,
    ): Promise<T> => {
      const key = fingerprint(inputs);
      const done = z.object({ key: z.literal(key), result: schema }).safeParse(await readJson(file));
      if (done.success) {
        options.say?.(`${what}: done before`);
        return done.data.result;
      }
      options.say?.(`${what}: working`);
      const result = await work();
      worked++;
      if (worthKeeping(result)) {
        await mkdir(dirname(file), { recursive: true });
        await writeFileAtomic(file, `${JSON.stringify({ key, result }, null, 2)}\n`);
      }
      return result;
    };
    const succeeded = (result: FineTuneResult) => !result.job || result.job.status === "succeeded";
    /** What every evaluation, and so every step, depends on (not where the models are served: that may move). */
    const evaluation = { benchmark: spec.benchmark, evalItems: spec.evalItems, seed: spec.seed };
    const training = {
      baseModel: trainer.baseModel,
      hyperparameters: trainer.training.hyperparameters,
      parameters: spec.parameters,
      evaluation,
    };

    const fineTune = async (
      label: string,
      cellDir: string,
      examples: ChatExample[],
    ): Promise<FineTuneResult> => {
      if (examples.length === 0) return { samples: 0, loss: [], problem: "no samples in this slice" };
      const job = await trainRun({
        runId,
        examples,
        runDir: cellDir,
        backend: trainer.backend,
        hyperparameters: trainer.training.hyperparameters,
        pollMs: trainer.training.pollMs,
        parameters: spec.parameters,
        producer: "nanoflux-ablate",
        signal,
      });
      const loss: LossPoint[] = (await trainer.backend.events(job.id)).flatMap(({ progress }) =>
        progress?.step !== undefined && progress.loss !== undefined
          ? [{ step: progress.step, loss: progress.loss }]
          : [],
      );
      if (job.status !== "succeeded" || !job.fineTunedModel)
        return {
          samples: examples.length,
          job,
          loss,
          problem: `fine-tune ${job.status}${job.error ? `: ${job.error}` : ""}`,
        };
      const compute = await readTrainingCompute(cellDir);
      const accuracy = await evaluate(job.fineTunedModel, label, join(cellDir, "eval"), compute);
      return { samples: examples.length, job, compute, eval: accuracy, loss };
    };

    const record: AblationRecord = {
      name,
      runId,
      benchmark: spec.benchmark,
      simulated: prepared.simulator !== undefined,
      cells: [],
    };
    record.base = await once(
      join(dir, "base", "eval.json"),
      `base model ${trainer.baseModel}`,
      { model: trainer.baseModel, evaluation },
      EvalRef,
      () => evaluate(trainer.baseModel, "base", join(dir, "base", "eval")),
    );
    if (spec.fullBenchmark) {
      const full = spec.fullBenchmark;
      record.full = await once(
        join(dir, "full", "result.json"),
        `full-benchmark fine-tune on ${full}`,
        { full, training },
        FineTuneResult,
        async () => {
          const items = (await loadBenchmark(full)).items;
          return fineTune("full", join(dir, "full"), items.map(benchmarkItemToChat));
        },
        succeeded,
      );
    }
    const cells = ablationCells(spec);
    for (const [i, cell] of cells.entries()) {
      signal?.throwIfAborted();
      const cellDir = join(dir, "cells", cell.id);
      const slice = sliceFor(samples, cell);
      const result = await once(
        join(cellDir, "result.json"),
        `cell ${i + 1}/${cells.length} ${cell.id}`,
        { cell, samples: slice.map((sample) => sample.id), training },
        FineTuneResult,
        () => fineTune(cell.id, cellDir, slice.map(sampleToChat)),
        succeeded,
      );
      record.cells.push({ ...cell, ...result } satisfies CellResult);
    }

    await writeFileAtomic(join(dir, "ablation.json"), `${JSON.stringify(record, null, 2)}\n`);
    await writeFileAtomic(join(dir, "ablation.md"), ablationMarkdown(record));
    await writeFileAtomic(join(dir, "accuracy.svg"), await accuracyChart(record));
    await writeFileAtomic(join(dir, "loss.svg"), await lossChart(record));
    return { dir, record, worked };
  } finally {
    await trainer.close();
  }
}
