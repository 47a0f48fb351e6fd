import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync, unlinkSync } from "node:fs";
import { mkdir, open, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { SystemError } from "../protocol/errors.ts";
import { canConnect, startEmbeddedNats } from "./embedded-server.ts";

/**
 * One nats-server per JetStream store folder, shared by every process working on that folder (a run, the
 * dashboard, tap): two servers on one store folder would corrupt it. Under a lock file the first process
 * starts the server and writes its address; later ones attach to it. Each holds a lease file while it uses
 * the server, and whoever leaves last stops it, so the dashboard started before a run sees that run live and
 * the run goes on when the dashboard closes.
 */
export interface FolderServer {
  url: string;
  /** Leaves the server; stops it when no other live process holds a lease. */
  release(): Promise<void>;
}

const LOCK_FILE = "server.lock";
const SERVER_FILE = "server.json";
const LOG_FILE = "server.log";
const LEASES = "leases";
/** Longer than a server takes to start, which is the longest anyone holds the lock. */
const LOCK_WAIT_MS = 20_000;
const STOP_WAIT_MS = 5000;

const ServerFile = z.object({ url: z.string(), pid: z.number().int().positive() });

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function withFolderLock<T>(storeDir: string, work: () => Promise<T>): Promise<T> {
  const lock = join(storeDir, LOCK_FILE);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(lock, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = Number(await readFile(lock, "utf8").catch(() => ""));
      // A holder that died (kill -9) mid-start leaves its lock behind; an empty file is one being written.
      if (Number.isInteger(holder) && holder > 0 && !pidAlive(holder)) {
        await rm(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new SystemError(
          `${lock} has been held by process ${holder} for ${LOCK_WAIT_MS / 1000} s; if no nanoflux process is running, delete it`,
        );
      await sleep(50);
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { force: true });
  }
}

function readServerFile(storeDir: string): z.infer<typeof ServerFile> | undefined {
  try {
    const parsed = ServerFile.safeParse(JSON.parse(readFileSync(join(storeDir, SERVER_FILE), "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Lease files of processes still alive, other than `own`; dead ones are removed on the way. */
function otherLiveLeases(storeDir: string, own: string): string[] {
  const dir = join(storeDir, LEASES);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((name) => {
    if (join(dir, name) === own) return false;
    if (pidAlive(Number(name.split("-")[0]))) return true;
    try {
      unlinkSync(join(dir, name));
    } catch {}
    return false;
  });
}

async function stopServer(storeDir: string): Promise<void> {
  const server = readServerFile(storeDir);
  await rm(join(storeDir, SERVER_FILE), { force: true });
  if (!server || !pidAlive(server.pid)) return;
  process.kill(server.pid, "SIGTERM");
  const deadline = Date.now() + STOP_WAIT_MS;
  while (pidAlive(server.pid) && Date.now() < deadline) await sleep(25);
  if (pidAlive(server.pid)) process.kill(server.pid, "SIGKILL");
}

/** Leases this process holds (lease file to store folder), released at exit even without release(). */
const held = new Map<string, string>();
let exitHandlerInstalled = false;

function releaseAtExit(storeDir: string, lease: string): void {
  if (!exitHandlerInstalled)
    process.once("exit", () => {
      for (const [own, dir] of held) {
        try {
          unlinkSync(own);
        } catch {}
        if (otherLiveLeases(dir, own).length > 0) continue;
        const server = readServerFile(dir);
        if (server && pidAlive(server.pid)) process.kill(server.pid, "SIGTERM");
      }
    });
  exitHandlerInstalled = true;
  held.set(lease, storeDir);
}

async function liveServerUrl(storeDir: string): Promise<string | undefined> {
  const server = readServerFile(storeDir);
  return server && pidAlive(server.pid) && (await canConnect(Number(new URL(server.url).port)))
    ? server.url
    : undefined;
}

/** Attaches to the folder's live server, or starts it; a second process never starts a second server. */
export async function attachFolderServer(storeDir: string): Promise<FolderServer> {
  await mkdir(join(storeDir, LEASES), { recursive: true });
  const lease = join(storeDir, LEASES, `${process.pid}-${randomUUID().slice(0, 8)}`);
  const url = await withFolderLock(storeDir, async () => {
    let live = await liveServerUrl(storeDir);
    if (!live) {
      const server = await startEmbeddedNats({ storeDir, sharedLogFile: join(storeDir, LOG_FILE) });
      await writeFile(join(storeDir, SERVER_FILE), JSON.stringify({ url: server.url, pid: server.pid }));
      live = server.url;
    }
    await writeFile(lease, String(process.pid));
    return live;
  });
  releaseAtExit(storeDir, lease);
  let released = false;
  return {
    url,
    release: async () => {
      if (released) return;
      released = true;
      held.delete(lease);
      await withFolderLock(storeDir, async () => {
        await rm(lease, { force: true });
        if (otherLiveLeases(storeDir, lease).length === 0) await stopServer(storeDir);
      });
    },
  };
}

/** Whether a folder holds a JetStream store at all (a reader should not create one where no run ever was). */
export async function hasStore(storeDir: string): Promise<boolean> {
  return (await readdir(storeDir).catch(() => [])).length > 0;
}
