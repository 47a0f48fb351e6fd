import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createServer, Socket } from "node:net";
import { SystemError } from "../protocol/errors.ts";

/**
 * Starts a local nats-server with JetStream (loopback only, data under the run's folder) for runs that name no
 * NATS_URL, and for tests: always the real server, never a stand-in.
 */
export interface EmbeddedNats {
  url: string;
  port: number;
  /** The server's process id (to stop it from another shell). */
  pid: number;
  storeDir: string;
  stop(): Promise<void>;
  /** Kills the server hard (tests of server restarts). */
  kill(): void;
}

export interface EmbeddedNatsOptions {
  storeDir: string;
  port?: number;
  binary?: string;
  /** Extra command-line arguments, e.g. cluster routes. */
  args?: string[];
  startTimeoutMs?: number;
  /**
   * A server shared by several processes: it runs in its own process group, writes its log to this file, and
   * outlives the process that started it (which neither holds it nor kills it at exit).
   */
  sharedLogFile?: string;
}

export const INSTALL_HINT =
  "install it with `apt-get install nats-server` (Debian/Ubuntu) or from https://github.com/nats-io/nats-server/releases, or set NATS_URL to a running server";

/** Servers still running: a process that exits without stopping them (process.exit, a test) kills them. */
const running = new Set<ChildProcess>();
let killOnExitInstalled = false;

function killOnExit(child: ChildProcess): void {
  if (!killOnExitInstalled) {
    process.once("exit", () => {
      for (const server of running) server.kill("SIGKILL");
    });
    killOnExitInstalled = true;
  }
  running.add(child);
  child.once("exit", () => running.delete(child));
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === "string") throw new SystemError("could not pick a free port");
  return address.port;
}

/** Whether something accepts connections on this loopback port (within a second). */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.connect(port, "127.0.0.1");
  });
}

function spawnServer(options: EmbeddedNatsOptions, port: number): ChildProcess {
  const binary = options.binary ?? process.env.NATS_SERVER_BIN ?? "nats-server";
  const args = [
    "-a",
    "127.0.0.1",
    "-p",
    String(port),
    "-js",
    "-sd",
    options.storeDir,
    ...(options.args ?? []),
  ];
  if (!options.sharedLogFile) {
    const child = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
    killOnExit(child);
    return child;
  }
  // No pipe back to this process: a server writing to a closed pipe would die with its starter.
  const log = openSync(options.sharedLogFile, "a");
  const child = spawn(binary, args, { stdio: ["ignore", "ignore", log], detached: true });
  closeSync(log);
  child.unref();
  return child;
}

export async function startEmbeddedNats(options: EmbeddedNatsOptions): Promise<EmbeddedNats> {
  const port = options.port ?? (await freePort());
  await mkdir(options.storeDir, { recursive: true });
  const child = spawnServer(options, port);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const logTail = () =>
    options.sharedLogFile ? readFileSync(options.sharedLogFile, "utf8").slice(-4000).trim() : stderr.trim();
  const exited = new Promise<Error>((resolve) => {
    child.once("error", (err: NodeJS.ErrnoException) => {
      resolve(
        err.code === "ENOENT"
          ? new SystemError(`nats-server not found: ${INSTALL_HINT}`, { code: "NATS_MISSING" })
          : new SystemError(`nats-server failed to start: ${err.message}`, { cause: err }),
      );
    });
    child.once("exit", (code) =>
      resolve(new SystemError(`nats-server exited with code ${code}: ${logTail()}`)),
    );
  });

  const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
  let failure: Error | undefined;
  void exited.then((err) => {
    failure = err;
  });
  while (!(await canConnect(port))) {
    if (failure) throw failure;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new SystemError(
        `nats-server did not accept connections on port ${port} within the start timeout: ${logTail()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await gone;
    clearTimeout(timer);
  };
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? 0,
    storeDir: options.storeDir,
    stop,
    kill: () => child.kill("SIGKILL"),
  };
}
