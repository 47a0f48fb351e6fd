import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import { z } from "zod";
import { BadRequestError, readJson, sendError, sendJson } from "./http.ts";
import { Rng } from "./random.ts";
import type { RouteModule, SimContext } from "./routes.ts";
import { parseJsonText } from "./text.ts";

/**
 * OpenAI-compatible files and fine-tuning endpoints, so the train-then-evaluate path runs offline. A job's
 * state is a function of the clock (validating_files -> queued -> running -> succeeded), with step and loss
 * events along the way; when it succeeds, its `ft:<base>:nanoflux:<id>` model enters the skill book stronger
 * than its base, by a gain that grows with the dataset and levels off.
 */

export interface FineTuningTiming {
  validatingMs: number;
  queuedMs: number;
  /** Per training step, shrunk for big datasets so no job runs longer than maxRunningMs. */
  stepMs: number;
  maxRunningMs: number;
  /** The clock: tests and demos may run it faster than real time. */
  now: () => number;
}

export const DEFAULT_FINE_TUNING_TIMING: FineTuningTiming = {
  validatingMs: 150,
  queuedMs: 150,
  stepMs: 20,
  maxRunningMs: 4000,
  now: Date.now,
};

/** Share of the gap to a perfect model that fine-tuning closes at most, and the dataset size of the knee. */
export const MAX_SKILL_GAIN = 0.5;
export const GAIN_SCALE_SAMPLES = 200;
const MAX_METRIC_EVENTS = 50;
const BYTES_PER_TOKEN = 4;

/** Skill after fine-tuning on `samples` examples: closes part of the gap to 1, more for more data, capped. */
export function fineTunedSkill(baseSkill: number, samples: number): number {
  const share = MAX_SKILL_GAIN * (1 - Math.exp(-samples / GAIN_SCALE_SAMPLES));
  return baseSkill + (1 - baseSkill) * share;
}

const ChatLine = z.object({
  messages: z
    .array(z.object({ role: z.enum(["system", "user", "assistant"]), content: z.string() }))
    .min(2)
    .refine(
      (messages) => messages.some((m) => m.role === "assistant"),
      "needs at least one assistant message",
    ),
});

/** The number of examples in a chat JSONL training file, or a 400 naming the first bad line. */
export function countChatExamples(text: string): number {
  let examples = 0;
  for (const [index, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    const parsed = ChatLine.safeParse(parseJsonText(line));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
      throw new BadRequestError(
        `training file line ${index + 1} is not a chat example ({"messages": [{"role", "content"}, ...]}): ${where}${issue?.message ?? "not JSON"}`,
        "file",
      );
    }
    examples += 1;
  }
  if (examples === 0) throw new BadRequestError("training file holds no example; upload chat JSONL", "file");
  return examples;
}

interface StoredFile {
  id: string;
  filename: string;
  purpose: string;
  bytes: number;
  createdAt: number;
  examples: number;
}

const JobBody = z.object({
  model: z.string().min(1),
  training_file: z.string().min(1),
  suffix: z.string().max(64).nullish(),
  seed: z.number().int().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  hyperparameters: z.looseObject({}).nullish(),
  method: z.looseObject({}).nullish(),
});

const Hyper = z.looseObject({
  n_epochs: z.union([z.number().int().positive(), z.literal("auto")]).optional(),
  batch_size: z.union([z.number().int().positive(), z.literal("auto")]).optional(),
  learning_rate_multiplier: z.union([z.number().positive(), z.literal("auto")]).optional(),
});
const MethodHyper = z.looseObject({
  supervised: z.looseObject({ hyperparameters: Hyper.optional() }).optional(),
});

interface Job {
  id: string;
  model: string;
  fineTunedModel: string;
  file: StoredFile;
  epochs: number;
  batchSize: number;
  learningRateMultiplier: number;
  seed: number;
  metadata: Record<string, string>;
  createdMs: number;
  steps: number;
  stepMs: number;
  cancelledMs?: number;
  /** Set once the fine-tuned model is in the skill book. */
  published: boolean;
}

type Status = "validating_files" | "queued" | "running" | "succeeded" | "cancelled";

interface JobEvent {
  id: string;
  atMs: number;
  message: string;
  data?: Record<string, number>;
}

function phaseTimes(job: Job, timing: FineTuningTiming) {
  const queuedAt = job.createdMs + timing.validatingMs;
  const runningAt = queuedAt + timing.queuedMs;
  return { queuedAt, runningAt, finishedAt: runningAt + job.steps * job.stepMs };
}

function statusAt(job: Job, timing: FineTuningTiming, now: number): Status {
  const { queuedAt, runningAt, finishedAt } = phaseTimes(job, timing);
  const at = Math.min(now, job.cancelledMs ?? now);
  if (at >= finishedAt) return "succeeded";
  if (job.cancelledMs !== undefined) return "cancelled";
  if (at >= runningAt) return "running";
  return at >= queuedAt ? "queued" : "validating_files";
}

/** A loss curve that falls from about 2.3 towards 0.3, with a little seeded noise. */
function lossAt(job: Job, step: number): number {
  const noise = (Rng.of(job.id, step).next() - 0.5) * 0.08;
  return Number((0.3 + 2 * Math.exp((-3 * step) / job.steps) + noise).toFixed(4));
}

/** Every event the job has produced by `now`, oldest first. */
function eventsUntil(job: Job, timing: FineTuningTiming, now: number): JobEvent[] {
  const { queuedAt, runningAt, finishedAt } = phaseTimes(job, timing);
  const end = Math.min(now, job.cancelledMs ?? now);
  const events: JobEvent[] = [
    { id: `${job.id}-ev-validating`, atMs: job.createdMs, message: "Validating training file" },
  ];
  const add = (atMs: number, key: string, message: string, data?: Record<string, number>) => {
    if (atMs <= end) events.push({ id: `${job.id}-ev-${key}`, atMs, message, data });
  };
  add(queuedAt, "queued", `Files validated (${job.file.examples} examples), moving job to queued state`);
  add(runningAt, "running", "Fine-tuning job started");
  const every = Math.max(1, Math.ceil(job.steps / MAX_METRIC_EVENTS));
  for (let step = every; step <= job.steps; step += every) {
    const loss = lossAt(job, step);
    const learningRate = 1e-4 * job.learningRateMultiplier * (1 - step / (job.steps + 1));
    add(runningAt + step * job.stepMs, `step-${step}`, `Step ${step}/${job.steps}: training loss=${loss}`, {
      step,
      train_loss: loss,
      learning_rate: Number(learningRate.toExponential(4)),
      total_steps: job.steps,
    });
  }
  add(finishedAt, "done", `New fine-tuned model created: ${job.fineTunedModel}`);
  if (job.cancelledMs !== undefined && job.cancelledMs < finishedAt)
    add(job.cancelledMs, "cancelled", "Job cancelled");
  return events;
}

function fileObject(file: StoredFile) {
  return {
    id: file.id,
    object: "file",
    bytes: file.bytes,
    created_at: Math.floor(file.createdAt / 1000),
    filename: file.filename,
    purpose: file.purpose,
    status: "processed",
  };
}

/** The multipart/form-data body of an upload, parsed by the platform's own Request. */
async function readForm(req: IncomingMessage) {
  const headers = new Headers({ "content-type": req.headers["content-type"] ?? "" });
  const body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
  try {
    return await new Request("http://simulator/v1/files", {
      method: "POST",
      headers,
      body,
      duplex: "half",
    } as RequestInit).formData();
  } catch (err) {
    throw new BadRequestError(
      `upload is not multipart/form-data with "file" and "purpose" (${(err as Error).message})`,
    );
  }
}

function hyperparametersOf(body: z.infer<typeof JobBody>) {
  const method = MethodHyper.safeParse(body.method ?? {});
  const fromMethod = method.success ? method.data.supervised?.hyperparameters : undefined;
  const parsed = Hyper.safeParse(fromMethod ?? body.hyperparameters ?? {});
  if (!parsed.success)
    throw new BadRequestError(`hyperparameters: ${parsed.error.issues[0]?.message}`, "hyperparameters");
  const { n_epochs, batch_size, learning_rate_multiplier } = parsed.data;
  return {
    epochs: n_epochs === "auto" || n_epochs === undefined ? 3 : n_epochs,
    batchSize: batch_size === "auto" || batch_size === undefined ? 1 : batch_size,
    learningRateMultiplier:
      learning_rate_multiplier === "auto" || learning_rate_multiplier === undefined
        ? 1
        : learning_rate_multiplier,
  };
}

/** The files and fine-tuning route module, on a clock of its own (register it in sim/route-table.ts). */
export function createFineTuningRoutes(timing: FineTuningTiming = DEFAULT_FINE_TUNING_TIMING): RouteModule {
  return (sim: SimContext) => {
    const files = new Map<string, StoredFile>();
    const jobs = new Map<string, Job>();
    let counter = 0;
    const nextId = (prefix: string) => `${prefix}-${(++counter).toString(36).padStart(6, "0")}`;

    /** A succeeded job's model joins the skill book once, on the first look after it finished. */
    const settle = (job: Job, now: number): Status => {
      const status = statusAt(job, timing, now);
      if (status === "succeeded" && !job.published) {
        job.published = true;
        const skill = fineTunedSkill(sim.skills.skillOf(job.model), job.file.examples);
        sim.skills.setSkill(job.fineTunedModel, skill);
        sim.logger?.info({ job: job.id, model: job.fineTunedModel, skill }, "simulated fine-tune finished");
      }
      return status;
    };

    const jobObject = (job: Job) => {
      const now = timing.now();
      const status = settle(job, now);
      const finished = status === "succeeded" || status === "cancelled";
      const finishedMs = status === "succeeded" ? phaseTimes(job, timing).finishedAt : job.cancelledMs;
      return {
        id: job.id,
        object: "fine_tuning.job",
        created_at: Math.floor(job.createdMs / 1000),
        error: null,
        fine_tuned_model: status === "succeeded" ? job.fineTunedModel : null,
        finished_at: finished && finishedMs !== undefined ? Math.floor(finishedMs / 1000) : null,
        hyperparameters: {
          n_epochs: job.epochs,
          batch_size: job.batchSize,
          learning_rate_multiplier: job.learningRateMultiplier,
        },
        model: job.model,
        organization_id: "org-nanoflux-sim",
        result_files: [],
        seed: job.seed,
        status,
        // A tokenizer's count, roughly: about four bytes of English a token.
        trained_tokens:
          status === "succeeded" ? Math.ceil(job.file.bytes / BYTES_PER_TOKEN) * job.epochs : null,
        training_file: job.file.id,
        validation_file: null,
        metadata: job.metadata,
        estimated_finish: Math.ceil(phaseTimes(job, timing).finishedAt / 1000),
      };
    };

    const jobOr404 = (id: string | undefined) => {
      const job = jobs.get(id ?? "");
      if (!job) return undefined;
      return job;
    };

    const notFound = (what: string, id: string | undefined) => ({
      message: `No ${what} found with id '${id}'.`,
      type: "invalid_request_error",
      code: `${what.replace(/ /g, "_")}_not_found`,
    });

    return [
      {
        method: "POST",
        path: "/v1/files",
        handle: async ({ req, res }) => {
          const form = await readForm(req);
          const upload = form.get("file");
          const purpose = form.get("purpose");
          if (!(upload instanceof File))
            throw new BadRequestError('upload a file in the "file" field', "file");
          if (typeof purpose !== "string" || purpose === "")
            throw new BadRequestError('give a "purpose", e.g. fine-tune', "purpose");
          const text = await upload.text();
          const examples = purpose === "fine-tune" ? countChatExamples(text) : 0;
          const file = {
            id: nextId("file"),
            filename: upload.name,
            purpose,
            bytes: upload.size,
            createdAt: timing.now(),
            examples,
          };
          files.set(file.id, file);
          sendJson(res, 200, fileObject(file));
        },
      },
      {
        method: "GET",
        path: "/v1/files/:id",
        handle: async ({ res, params }) => {
          const file = files.get(params.id ?? "");
          if (file) sendJson(res, 200, fileObject(file));
          else sendError(res, 404, notFound("file", params.id));
        },
      },
      {
        method: "POST",
        path: "/v1/fine_tuning/jobs",
        handle: async ({ req, res }) => {
          const body = JobBody.safeParse(await readJson(req));
          if (!body.success) {
            const issue = body.error.issues[0];
            throw new BadRequestError(
              `${issue?.path.join(".")}: ${issue?.message}`,
              String(issue?.path[0] ?? ""),
            );
          }
          const file = files.get(body.data.training_file);
          if (file?.purpose !== "fine-tune") {
            throw new BadRequestError(
              `training_file ${body.data.training_file} is not an uploaded fine-tune file`,
              "training_file",
            );
          }
          const hyper = hyperparametersOf(body.data);
          const id = nextId("ftjob");
          const steps = Math.max(1, Math.ceil((file.examples * hyper.epochs) / hyper.batchSize));
          const suffix = body.data.suffix ? `${body.data.suffix}:` : "";
          const job: Job = {
            id,
            model: body.data.model,
            fineTunedModel: `ft:${body.data.model}:nanoflux:${suffix}${id}`,
            file,
            ...hyper,
            seed: body.data.seed ?? 42,
            metadata: body.data.metadata ?? {},
            createdMs: timing.now(),
            steps,
            stepMs: Math.min(timing.stepMs, timing.maxRunningMs / steps),
            published: false,
          };
          jobs.set(id, job);
          sendJson(res, 200, jobObject(job));
        },
      },
      {
        method: "GET",
        path: "/v1/fine_tuning/jobs",
        handle: async ({ res }) => {
          const data = [...jobs.values()].reverse().map(jobObject);
          sendJson(res, 200, { object: "list", data, has_more: false });
        },
      },
      {
        method: "GET",
        path: "/v1/fine_tuning/jobs/:id",
        handle: async ({ res, params }) => {
          const job = jobOr404(params.id);
          if (job) sendJson(res, 200, jobObject(job));
          else sendError(res, 404, notFound("fine-tuning job", params.id));
        },
      },
      {
        method: "GET",
        path: "/v1/fine_tuning/jobs/:id/events",
        handle: async ({ req, res, params }) => {
          const job = jobOr404(params.id);
          if (!job) return sendError(res, 404, notFound("fine-tuning job", params.id));
          settle(job, timing.now());
          const query = new URL(req.url ?? "", "http://simulator").searchParams;
          const limit = Math.max(1, Number(query.get("limit") ?? 20) || 20);
          const newestFirst = eventsUntil(job, timing, timing.now()).reverse();
          const after = query.get("after");
          const start = after ? newestFirst.findIndex((event) => event.id === after) + 1 : 0;
          const page = newestFirst.slice(start, start + limit);
          const data = page.map((event) => ({
            id: event.id,
            object: "fine_tuning.job.event",
            created_at: Math.floor(event.atMs / 1000),
            level: "info",
            message: event.message,
            type: event.data ? "metrics" : "message",
            data: event.data ?? {},
          }));
          sendJson(res, 200, { object: "list", data, has_more: start + limit < newestFirst.length });
        },
      },
      {
        method: "POST",
        path: "/v1/fine_tuning/jobs/:id/cancel",
        handle: async ({ res, params }) => {
          const job = jobOr404(params.id);
          if (!job) return sendError(res, 404, notFound("fine-tuning job", params.id));
          const now = timing.now();
          const status = settle(job, now);
          if (status === "succeeded" || status === "cancelled") {
            throw new BadRequestError(
              `fine-tuning job ${job.id} has already ${status === "succeeded" ? "succeeded" : "been cancelled"}`,
            );
          }
          job.cancelledMs = now;
          sendJson(res, 200, jobObject(job));
        },
      },
    ];
  };
}

export const fineTuningRoutes: RouteModule = createFineTuningRoutes();
