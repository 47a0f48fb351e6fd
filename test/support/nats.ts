import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EmbeddedNats, startEmbeddedNats } from "../../bus/embedded-server.ts";

/** A real nats-server with JetStream in a fresh temp folder; `cleanup` stops it and removes the folder. */
export async function startTestNats(): Promise<EmbeddedNats & { dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "nanoflux-nats-"));
  const server = await startEmbeddedNats({ storeDir: join(dir, "js") });
  return {
    ...server,
    dir,
    cleanup: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves when `check` returns true, polling the condition (no fixed sleeps); rejects after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
