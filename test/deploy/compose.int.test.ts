import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Command } from "commander";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { agentCommand } from "../../cli/agent-command.ts";
import { runCommand, upCommand } from "../../cli/run-command.ts";
import { simCommand } from "../../cli/sim-command.ts";
import { validateCommand } from "../../cli/validate-command.ts";

/**
 * No Docker engine runs here, so docker-compose.yml is checked the way compose would use it: every NanoFlux
 * service's command must be a `nanoflux` invocation the CLI accepts, and the topology it names must validate
 * with the environment that service's container would have.
 */

const ROOT = join(import.meta.dirname, "../..");
const CLI = join(ROOT, "bin/nanoflux.mjs");
const run = promisify(execFile);

const Service = z.looseObject({
  image: z.string().optional(),
  build: z.unknown().optional(),
  command: z.array(z.string()).optional(),
  env_file: z.union([z.string(), z.array(z.string())]).optional(),
  environment: z.record(z.string(), z.string()).optional(),
  volumes: z.array(z.string()).optional(),
});
type Service = z.infer<typeof Service>;
const ComposeFile = z.looseObject({
  services: z.record(z.string(), Service),
  volumes: z.record(z.string(), z.unknown().nullable()).optional(),
});

/** The CLI's subcommands a compose service may run, built as main.ts builds them. */
const COMMANDS: Record<string, () => Command> = {
  up: upCommand,
  run: runCommand,
  agent: agentCommand,
  sim: simCommand,
  validate: validateCommand,
};

/** Parses `args` with the real subcommand's options and arguments, with its action replaced so nothing runs. */
async function parseWithoutRunning(args: string[]): Promise<void> {
  const [name, ...rest] = args;
  const make = name ? COMMANDS[name] : undefined;
  if (!make) throw new Error(`no known nanoflux subcommand in [${args.join(" ")}]`);
  const command = make()
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined })
    .action(() => undefined);
  await command.parseAsync(rest, { from: "user" });
}

/** What docker compose does to `${NAME}` and `${NAME:-default}` in the file, from its --env-file. */
function composeInterpolate(args: string[], variables: Record<string, string>): string[] {
  return args.map((arg) =>
    arg.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_, name: string, fallback?: string) => {
      const value = variables[name] ?? fallback;
      if (value === undefined) throw new Error(`docker-compose.yml uses \${${name}}, which nothing sets`);
      return value;
    }),
  );
}

/** KEY=value lines of an env file; comments and blank lines skipped. */
function parseEnvFile(text: string): Record<string, string> {
  const entries = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const eq = line.indexOf("=");
      return [line.slice(0, eq), line.slice(eq + 1)] as const;
    });
  return Object.fromEntries(entries);
}

// The user's deploy/nanoflux.env is made from the example, which stands in for it here.
async function readEnvFiles(files: string | string[] | undefined): Promise<Record<string, string>> {
  const list = typeof files === "string" ? [files] : (files ?? []);
  const texts = await Promise.all(list.map((file) => readFile(join(ROOT, `${file}.example`), "utf8")));
  return Object.assign({}, ...texts.map(parseEnvFile));
}

/** The host file mounted at `containerPath`, from the service's bind mounts. */
function hostPathOf(service: Service, containerPath: string): string {
  for (const volume of service.volumes ?? []) {
    const [host, target] = volume.split(":");
    if (target === containerPath && host?.startsWith(".")) return join(ROOT, host);
  }
  throw new Error(`${containerPath} is not mounted from the repository`);
}

const helpSeen = new Map<string, Promise<string>>();
function helpOf(subcommand: string): Promise<string> {
  const pending = helpSeen.get(subcommand) ?? run("node", [CLI, subcommand, "--help"]).then((r) => r.stdout);
  helpSeen.set(subcommand, pending);
  return pending;
}

describe("docker-compose.yml", () => {
  let services: Record<string, Service>;
  let nanofluxServices: [string, Service][];
  let composeVariables: Record<string, string>;

  beforeAll(async () => {
    const document = parse(await readFile(join(ROOT, "docker-compose.yml"), "utf8"), { merge: true });
    const parsed = ComposeFile.safeParse(document);
    if (!parsed.success) throw new Error(`docker-compose.yml: ${parsed.error.message}`);
    services = parsed.data.services;
    nanofluxServices = Object.entries(services).filter(([, s]) => s.image?.startsWith("nanoflux"));
    // `docker compose --env-file deploy/nanoflux.env` supplies ${...} in the file, as the README says.
    composeVariables = await readEnvFiles("deploy/nanoflux.env");
  });

  it("has the coordinator, the agent types it leaves to others, and the simulator", () => {
    const names = nanofluxServices.map(([name]) => name).sort();
    expect(names).toEqual(["attacker", "coordinator", "defender", "judge", "sim"]);
  });

  it("gives every NanoFlux service a command the CLI accepts", async () => {
    for (const [name, service] of nanofluxServices) {
      const args = composeInterpolate(service.command ?? [], composeVariables);
      const subcommand = args[0] ?? "";
      expect(await helpOf(subcommand), name).toMatch(new RegExp(`^Usage: nanoflux ${subcommand} `));
      await expect(parseWithoutRunning(args), `${name}: ${args.join(" ")}`).resolves.toBeUndefined();
    }
  });

  it("would notice a command the CLI does not accept", async () => {
    await expect(
      parseWithoutRunning(["agent", "judge", "--topology", "t.yaml", "--run", "run 1"]),
    ).rejects.toThrow(/is not a run id/);
    await expect(parseWithoutRunning(["up", "t.yaml", "--only-agents", "judge"])).rejects.toThrow(
      /unknown option/,
    );
    await expect(parseWithoutRunning(["sim", "--port", "eighty"])).rejects.toThrow(/expected a number/);
  });

  it("names topologies that validate with the environment each service has", async () => {
    const checked = new Set<string>();
    for (const [name, service] of nanofluxServices) {
      const args = service.command ?? [];
      const topologyIndex = args[0] === "up" ? 1 : args.indexOf("--topology") + 1;
      if (topologyIndex === 0) continue;
      const containerEnv = { ...(await readEnvFiles(service.env_file)), ...service.environment };
      const file = hostPathOf(service, args[topologyIndex] ?? "");
      const key = `${file} ${JSON.stringify(containerEnv)}`;
      if (checked.has(key)) continue;
      checked.add(key);
      // Only what the container would have (plus PATH to find node): no variable leaks in from this shell.
      const result = await run("node", [CLI, "validate", file], {
        env: { PATH: process.env.PATH, ...containerEnv },
      });
      expect(result.stdout, name).toMatch(/: ok \(/);
    }
    expect(checked.size).toBeGreaterThan(0);
  });

  it("runs NATS with JetStream on a named volume and a login whose values come from the env file", async () => {
    const nats = services.nats;
    expect(nats?.command).toEqual(expect.arrayContaining(["-js", "-sd", "/data"]));
    expect(nats?.volumes).toContain("nats-data:/data");
    const confFile = hostPathOf(nats ?? {}, "/etc/nats/nats.conf");
    const withLogin = { PATH: process.env.PATH, ...(await readEnvFiles(nats?.env_file)) };
    const checked = await run("nats-server", ["-t", "-c", confFile], { env: withLogin });
    expect(checked.stdout + checked.stderr).toMatch(/valid/);
    await expect(
      run("nats-server", ["-t", "-c", confFile], { env: { PATH: process.env.PATH } }),
    ).rejects.toThrow(/NATS_USER/);
  });

  it("builds one image whose entrypoint is the nanoflux CLI, without the env file", async () => {
    const dockerfile = await readFile(join(ROOT, "Dockerfile"), "utf8");
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "bin\/nanoflux\.mjs"\]$/m);
    const ignored = (await readFile(join(ROOT, ".dockerignore"), "utf8")).split("\n");
    expect(ignored).toContain("deploy/*.env");
  });
});
