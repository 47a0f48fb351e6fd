import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort, startEmbeddedNats } from "../../bus/embedded-server.ts";
import { prepareTopology } from "../../cli/prepare-topology.ts";
import { silentLogger } from "../../log/logger.ts";
import { runSession } from "../../runner/run-session.ts";
import { waitFor } from "../support/nats.ts";
import { expectEveryRoundClosedOnce, expectTargetMet, runEvents } from "../support/run-audit.ts";
import { writeTestTopology } from "../support/run-topology.ts";

describe("a NATS server restart mid-run", () => {
  it("agents reconnect and the run finishes with every round accounted for", async () => {
    const dir = await mkdtemp(join(tmpdir(), "nanoflux-nats-restart-"));
    const port = await freePort();
    const storeDir = join(dir, "js");
    let server = await startEmbeddedNats({ storeDir, port });
    const url = server.url;
    const { file, dir: runsDir } = await writeTestTopology({
      target: 8,
      natsUrl: url,
      ackWaitMs: 2000,
      simulator: { latencyMs: 40 },
    });
    const prepared = await prepareTopology(file, {}, silentLogger());
    const runId = "run-nats-restart";
    try {
      const session = runSession({ prepared, logger: silentLogger(), runId });
      const dataset = join(runsDir, "runs", runId, "dataset.jsonl");
      await waitFor(
        async () => (await readFile(dataset, "utf8").catch(() => "")).split("\n").filter(Boolean).length >= 2,
        60_000,
        "two accepted",
      );
      server.kill();
      await waitFor(
        async () => {
          try {
            server = await startEmbeddedNats({ storeDir, port });
            return true;
          } catch {
            return false;
          }
        },
        20_000,
        "the server to start again",
      );
      const result = await session;
      expect(result.report.status).toBe("target_reached");
      expectTargetMet(result.report.accepted, 8, 4);
      expectEveryRoundClosedOnce(await runEvents(url, runId));
    } finally {
      await prepared.simulator?.close();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
