import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectNats } from "../../bus/connection.ts";
import { silentLogger } from "../../log/logger.ts";
import { TRAINING_STREAM_NAME, trainingJobsSubject } from "../../protocol/subjects.ts";
import { Hyperparameters, type TrainingJob, type TrainingJobRequest } from "../../protocol/training.ts";
import { writeChatJsonl } from "../../trainer/chat-export.ts";
import { GpuHostsBackend } from "../../trainer/gpu-hosts-backend.ts";
import { JobRecords } from "../../trainer/job-records.ts";
import { startTrainerHost, type TrainerHost } from "../../trainer/trainer-host.ts";
import { openJobBucket } from "../../trainer/training-bus.ts";
import { startTestNats, waitFor } from "../support/nats.ts";
import { trainingBackendSpec } from "./backend-spec.ts";
import { samples } from "./fixtures/samples.ts";

const FAKE_TRAIN = fileURLToPath(new URL("./fixtures/fake-train.mjs", import.meta.url));
const RUN_HOST = fileURLToPath(new URL("./fixtures/run-host.ts", import.meta.url));
/** The stand-in trains for `epochs` steps of 25 ms. */
const TEMPLATE = `"${process.execPath}" "${FAKE_TRAIN}" --steps {epochs} --step-ms 25 --output {output}`;
const ACK_WAIT_MS = 1500;
const consumer = { ackWaitMs: ACK_WAIT_MS, maxDeliver: 5 };

type TestNats = Awaited<ReturnType<typeof startTestNats>>;

async function natsWithHost(
  workDir: string,
): Promise<{ nats: TestNats; nc: NatsConnection; host: TrainerHost }> {
  const nats = await startTestNats();
  const nc = await connectNats({ servers: nats.url, name: "gpu-test" });
  const host = await startTrainerHost({
    natsUrl: nats.url,
    commandTemplate: TEMPLATE,
    workDir,
    consumer,
    logger: silentLogger(),
  });
  return { nats, nc, host };
}

trainingBackendSpec("GPU hosts over NATS", async () => {
  const workDir = await mkdtemp(join(tmpdir(), "nanoflux-hosts-"));
  const { nats, nc, host } = await natsWithHost(workDir);
  return {
    backend: await GpuHostsBackend.open(nc, { baseModel: "tiny-llama", producer: "spec" }),
    cleanup: async () => {
      await host.stop();
      await nc.close();
      await nats.cleanup();
      await rm(workDir, { recursive: true, force: true });
    },
  };
});

function spawnHost(natsUrl: string, workDir: string): ChildProcess {
  const args = [
    "--import",
    "tsx",
    RUN_HOST,
    "--nats",
    natsUrl,
    "--command-template",
    TEMPLATE,
    "--work-dir",
    workDir,
  ];
  const flags = ["--ack-wait-ms", String(ACK_WAIT_MS), "--max-deliver", "5"];
  return spawn(process.execPath, [...args, ...flags], {
    stdio: "ignore",
    env: { ...process.env, NANOFLUX_LOG_LEVEL: "warn" },
  });
}

describe("GPU hosts sharing the work queue", () => {
  let nats: TestNats;
  let nc: NatsConnection;
  let dir: string;
  let backend: GpuHostsBackend;
  let records: JobRecords;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    nats = await startTestNats();
    nc = await connectNats({ servers: nats.url, name: "gpu-queue-test" });
    dir = await mkdtemp(join(tmpdir(), "nanoflux-queue-"));
    backend = await GpuHostsBackend.open(nc, { baseModel: "tiny-llama", producer: "queue-test" });
    records = new JobRecords(await openJobBucket(nc));
  });
  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await nc?.close();
    await nats?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  const datasetFile = async (name: string, count: number) => {
    const file = join(dir, `${name}.jsonl`);
    await writeChatJsonl(samples(count), file);
    return { runId: "run-queue", file, samples: count };
  };

  const queueIsEmpty = async () =>
    (await (await jetstreamManager(nc)).streams.info(TRAINING_STREAM_NAME)).state.messages === 0;

  it("hands the job of a host killed mid-job to another host and records it once", async () => {
    const [first, second] = [
      spawnHost(nats.url, join(dir, "host-a")),
      spawnHost(nats.url, join(dir, "host-b")),
    ];
    children.push(first, second);
    const job = await backend.submit(await datasetFile("kill", 5), Hyperparameters.parse({ epochs: 60 }));

    let running: TrainingJob | undefined;
    await waitFor(
      async () => {
        running = await backend.status(job.id);
        const progressed = (await backend.events(job.id)).some((e) => e.progress?.step !== undefined);
        return running.status === "running" && progressed;
      },
      20_000,
      "the job to run on a host",
    );
    const victim = [first, second].find((child) => running?.host?.includes(`-${child.pid}-`));
    const survivor = victim === first ? second : first;
    expect(victim).toBeDefined();
    victim?.kill("SIGKILL");

    await waitFor(
      async () => (await records.result(job.id)) !== undefined,
      25_000,
      "another host to finish the job",
    );
    const result = await records.result(job.id);
    expect(result).toMatchObject({ status: "succeeded", fineTunedModel: `tiny-llama-nanoflux-${job.id}` });
    expect(result?.host).toContain(`-${survivor?.pid}-`);
    expect(result?.artifact).toMatch(/host-[ab]\/.*\/output$/);

    const events = await backend.events(job.id);
    expect(events.filter((e) => e.id === "result")).toHaveLength(1);
    expect(events.some((e) => e.id.startsWith("d1-")) && events.some((e) => e.id.startsWith("d2-"))).toBe(
      true,
    );
    await waitFor(queueIsEmpty, 10_000, "the job to be acknowledged");
    survivor?.kill("SIGKILL");
    expect(
      await backend.submit(await datasetFile("kill", 5), Hyperparameters.parse({ epochs: 60 })),
    ).toMatchObject({ id: job.id, status: "succeeded" });
  });

  it("acknowledges a redelivered job that already finished without running it again, and drops junk", async () => {
    const host = await startTrainerHost({
      natsUrl: nats.url,
      commandTemplate: TEMPLATE,
      workDir: join(dir, "host-c"),
      consumer,
      logger: silentLogger(),
    });
    try {
      const request: TrainingJobRequest = {
        type: "training.job.v1",
        jobId: "ft-finished-before",
        runId: "run-queue",
        at: new Date().toISOString(),
        producer: "test",
        baseModel: "tiny-llama",
        hyperparameters: Hyperparameters.parse({}),
        dataset: { object: "missing.jsonl", samples: 1, sha256: "0" },
      };
      // As if a host finished the job and died before its ack reached the server: the job comes round again.
      await records.createRequest(request);
      const earlier: TrainingJob = {
        id: request.jobId,
        backend: "gpu-hosts",
        status: "succeeded",
        baseModel: "tiny-llama",
        fineTunedModel: "earlier",
        updatedAt: request.at,
      };
      expect(await records.recordResult(earlier)).toBe(true);
      const js = jetstream(nc);
      await js.publish(trainingJobsSubject(), "not even JSON", { msgID: "junk" });
      await js.publish(trainingJobsSubject(), JSON.stringify(request), { msgID: request.jobId });
      await waitFor(queueIsEmpty, 10_000, "the queue to drain");
      expect(await records.result(request.jobId)).toEqual(earlier);
      expect(await backend.events(request.jobId)).toEqual([]);
    } finally {
      await host.stop();
    }
  });

  it("records a failed training command with the tail of its log", async () => {
    const failing = `${TEMPLATE} --fail`;
    const host = await startTrainerHost({
      natsUrl: nats.url,
      commandTemplate: failing,
      workDir: join(dir, "host-d"),
      consumer,
      logger: silentLogger(),
    });
    try {
      const job = await backend.submit(
        await datasetFile("fail", 3),
        Hyperparameters.parse({ epochs: 2, seed: 10 }),
      );
      await waitFor(async () => (await records.result(job.id)) !== undefined, 15_000, "the job to fail");
      const result = await backend.status(job.id);
      expect(result).toMatchObject({ status: "failed", error: "training command exited with code 3" });
      expect(result.logTail).toMatch(/"step":2.*\n.*CUDA out of memory/s);
    } finally {
      await host.stop();
    }
  });
});
