import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "@nats-io/transport-node";
import { afterEach, describe, expect, it } from "vitest";
import { attachFolderServer } from "../../bus/folder-server.ts";

/** A process id that existed and is gone: what a holder killed with kill -9 leaves in its files. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", ""]);
  return child.pid as number;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("one nats-server per store folder", () => {
  let dir: string;
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it("two users share one server; it outlives the first to leave and stops with the last", async () => {
    dir = await mkdtemp(join(tmpdir(), "nanoflux-folder-"));
    const [first, second] = await Promise.all([attachFolderServer(dir), attachFolderServer(dir)]);
    expect(second.url).toBe(first.url);
    const { pid } = JSON.parse(await readFile(join(dir, "server.json"), "utf8"));
    await first.release();
    const nc = await connect({ servers: second.url });
    await nc.close();
    await second.release();
    expect(alive(pid)).toBe(false);
  });

  it("a lock and an address left by a killed process do not stop the next one", async () => {
    dir = await mkdtemp(join(tmpdir(), "nanoflux-folder-"));
    await mkdir(join(dir, "leases"), { recursive: true });
    const dead = deadPid();
    await writeFile(join(dir, "server.lock"), String(dead));
    await writeFile(join(dir, "server.json"), JSON.stringify({ url: "nats://127.0.0.1:9", pid: dead }));
    await writeFile(join(dir, "leases", `${dead}-abcd1234`), String(dead));
    const server = await attachFolderServer(dir);
    expect(server.url).not.toBe("nats://127.0.0.1:9");
    const nc = await connect({ servers: server.url });
    await nc.close();
    const { pid } = JSON.parse(await readFile(join(dir, "server.json"), "utf8"));
    // The dead process's lease does not keep the server alive once the last live user leaves.
    await server.release();
    expect(alive(pid)).toBe(false);
  });
});
