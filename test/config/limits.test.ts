import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TopologyIssue } from "../../config/issues.ts";
import { parseTopology, readTopologyText, TopologyError, validateTopology } from "../../config/load.ts";
import { LIMITS } from "../../config/topology.ts";
import { ConfigError } from "../../protocol/errors.ts";
import { VALID_TOPOLOGY } from "./broken-topologies.ts";

type Document = Record<string, unknown> & typeof VALID_TOPOLOGY;

/** A copy of the valid topology (as a parsed document) after `edit`. */
function edited(edit: (topology: Document) => void): Document {
  const copy = structuredClone(VALID_TOPOLOGY) as Document;
  edit(copy);
  return copy;
}

function rejection(document: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): TopologyError {
  try {
    validateTopology(document, "t.yaml", env);
  } catch (err) {
    if (err instanceof TopologyError) return err;
    throw err;
  }
  throw new Error("expected the topology to be rejected");
}

function issueAt(error: TopologyError, path: string): TopologyIssue {
  const issue = error.issues.find((i) => i.path === path);
  if (!issue) throw new Error(`no issue at ${path}: ${JSON.stringify(error.issues)}`);
  return issue;
}

/** Every text a user sees of a rejection: the message and each issue's path, message and hint. */
function allText(error: TopologyError): string {
  return [error.message, ...error.issues.flatMap((i) => [i.path, i.message, i.hint])].join("\n");
}

const model = (i: number) => ({ id: `m${i}`, baseUrl: "http://localhost:8000/v1", model: "m" });

describe("every list of a topology is bounded", () => {
  const lists: Array<{ path: string; limit: number; edit: (t: Document, n: number) => void }> = [
    {
      path: "models",
      limit: LIMITS.models,
      edit: (t, n) => Object.assign(t, { models: [...t.models, ...times(n - 2, model)] }),
    },
    {
      path: "agents",
      limit: LIMITS.agents,
      edit: (t, n) => Object.assign(t, { agents: [...t.agents, ...times(n - 5, () => ({ type: "judge" }))] }),
    },
    {
      path: "run.domains",
      limit: LIMITS.domains,
      edit: (t, n) => Object.assign(t, { run: { domains: times(n, (i) => `d${i}`) } }),
    },
    {
      path: "curation.levels",
      limit: LIMITS.levels,
      edit: (t, n) => Object.assign(t, { curation: { levels: times(n, () => "L4") } }),
    },
    {
      path: "curation.decontamination.benchmarks",
      limit: LIMITS.benchmarks,
      edit: (t, n) =>
        Object.assign(t, { curation: { decontamination: { benchmarks: times(n, (i) => `b${i}.jsonl`) } } }),
    },
    {
      path: "tournament.models",
      limit: LIMITS.models,
      edit: (t, n) => Object.assign(t, { tournament: { models: times(n, () => "alpha") } }),
    },
    // The simulator block's lists are the simulator's to check: test/sim/topology-block.test.ts.
  ];

  it.each(lists)("$path: at most its limit, named in the hint", ({ path, limit, edit }) => {
    expect(() =>
      validateTopology(
        edited((t) => edit(t, limit)),
        "t.yaml",
        {},
      ),
    ).not.toThrow();
    const issue = issueAt(rejection(edited((t) => edit(t, limit + 1))), path);
    expect(issue.message).toBe(`the list has ${limit + 1} items`);
    expect(issue.hint).toMatch(new RegExp(`^list at most ${limit}\\b`));
  });

  it("200,000 models fail fast with one issue at models, not a problem per model", () => {
    const error = rejection(edited((t) => Object.assign(t, { models: times(200_000, model) })));
    expect(error.issues).toEqual([
      expect.objectContaining({ path: "models", message: "the list has 200000 items" }),
    ]);
    expect(error.issues[0]?.hint).toMatch(/list at most 256/);
  });

  it("mappings are bounded in keys: agent options and the curation mixes", () => {
    const options = Object.fromEntries(times(LIMITS.optionKeys + 1, (i) => [`o${i}`, i]));
    const tooManyOptions = rejection(edited((t) => Object.assign(t.agents[1] as object, { options })));
    expect(issueAt(tooManyOptions, "agents[1].options").message).toBe(
      `${LIMITS.optionKeys + 1} keys; at most ${LIMITS.optionKeys} are allowed`,
    );

    const mix = Object.fromEntries(times(LIMITS.mixKeys + 1, (i) => [`d${i}`, 1]));
    const tooManyShares = rejection(edited((t) => Object.assign(t, { curation: { domainMix: mix } })));
    // Only the limit: not one "no round can be opened" per key of an oversized mapping.
    expect(tooManyShares.issues.map((i) => i.path)).toEqual(["curation.domainMix"]);
    expect(tooManyShares.issues[0]?.hint).toBe(`give at most ${LIMITS.mixKeys} shares`);
  });

  it("replicas, concurrency and durations are bounded", () => {
    const error = rejection(
      edited((t) => {
        Object.assign(t.agents[1] as object, { replicas: LIMITS.replicas + 1, concurrency: 1e9 });
        Object.assign(t.models[0] as object, { timeoutMs: 2 ** 40 });
      }),
    );
    expect(issueAt(error, "agents[1].replicas").hint).toBe(`use a number <= ${LIMITS.replicas}`);
    expect(issueAt(error, "agents[1].concurrency").hint).toBe(`use a number <= ${LIMITS.concurrency}`);
    expect(issueAt(error, "models[0].timeoutMs").hint).toBe(`use a number <= ${LIMITS.durationMs}`);
  });
});

describe("every free string of a topology is bounded, and a long value is never echoed", () => {
  const strings: Array<{ path: string; limit: number; edit: (t: Document, value: string) => void }> = [
    { path: "name", limit: LIMITS.nameLength, edit: (t, v) => Object.assign(t, { name: v }) },
    {
      path: "models[0].id",
      limit: LIMITS.idLength,
      edit: (t, v) => Object.assign(t.models[0] as object, { id: v }),
    },
    {
      path: "models[0].model",
      limit: LIMITS.modelNameLength,
      edit: (t, v) => Object.assign(t.models[0] as object, { model: v }),
    },
    {
      path: "models[0].baseUrl",
      limit: LIMITS.urlLength,
      edit: (t, v) => Object.assign(t.models[0] as object, { baseUrl: `http://h/${v}` }),
    },
    {
      path: "agents[3].model",
      limit: LIMITS.idLength,
      edit: (t, v) => Object.assign(t.agents[3] as object, { model: v }),
    },
    {
      path: "agents[4].module",
      limit: LIMITS.pathLength,
      edit: (t, v) => Object.assign(t.agents[4] as object, { module: v }),
    },
    {
      path: "run.outDir",
      limit: LIMITS.pathLength,
      edit: (t, v) => Object.assign(t, { run: { outDir: v } }),
    },
    {
      path: "nats.url",
      limit: LIMITS.serverListLength,
      edit: (t, v) => Object.assign(t, { nats: { url: `nats://h:4222,${v}` } }),
    },
    {
      path: "nats.token",
      limit: LIMITS.credentialLength,
      edit: (t, v) => Object.assign(t, { nats: { token: v } }),
    },
    {
      path: "training.baseModel",
      limit: LIMITS.modelNameLength,
      edit: (t, v) => Object.assign(t, { training: { baseModel: v, baseUrl: "http://h/v1" } }),
    },
  ];

  it.each(strings)("$path: at most its limit, named in the hint", ({ path, limit, edit }) => {
    const value = "x".repeat(limit + 1);
    const error = rejection(edited((t) => edit(t, value)));
    const issue = issueAt(error, path);
    expect(issue.message).toMatch(/^the text is too long \(\d+ characters\)$/);
    expect(issue.hint).toMatch(new RegExp(`^write at most ${limit} character\\(s\\)`));
    expect(allText(error)).not.toContain("x".repeat(50));
  });

  it("a 50 MB name is one short issue naming the field and the limit", () => {
    const error = rejection(edited((t) => Object.assign(t, { name: "n".repeat(50 * 1024 * 1024) })));
    expect(error.issues).toEqual([
      {
        path: "name",
        message: `the text is too long (${50 * 1024 * 1024} characters)`,
        hint: `write at most ${LIMITS.nameLength} character(s)`,
      },
    ]);
    expect(error.message.length).toBeLessThan(200);
  });

  it("huge values and keys are cut wherever a check quotes them", () => {
    const huge = "q".repeat(100_000);
    const error = rejection(
      edited((t) => {
        Object.assign(t, { tournament: { pairing: huge }, [huge]: 1 });
        Object.assign(t, { curation: { domainMix: { [huge]: 1 }, levels: [huge] } });
        Object.assign(t.agents[3] as object, { model: `${"j".repeat(60)}` });
        Object.assign(t.models[1] as object, {
          maxConcurrency: `${"7".repeat(5000)}`,
          baseUrl: "b".repeat(3000),
        });
      }),
    );
    expect(error.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining([
        "tournament.pairing",
        "curation.levels[0]",
        "agents[3].model",
        "models[1].maxConcurrency",
        "models[1].baseUrl",
      ]),
    );
    for (const text of error.issues.flatMap((i) => [i.path, i.message, i.hint]))
      expect(text.length, text.slice(0, 300)).toBeLessThan(300);
    const shown = allText(error);
    for (const repeated of ["q", "j", "7", "b"]) expect(shown).not.toContain(repeated.repeat(45));
    expect(issueAt(error, "tournament.pairing").message).toBe(
      "a text of 100000 characters is not allowed here",
    );
  });

  it("a message lists at most 50 problems and counts the rest", () => {
    const agents = times(LIMITS.agents, (i) => ({ type: "judge", model: `nobody-${i}` }));
    const error = rejection(edited((t) => Object.assign(t, { agents })));
    expect(error.issues.length).toBeGreaterThan(50);
    expect(error.message.split("\n").filter((line) => line.startsWith("  - "))).toHaveLength(50);
    expect(error.message).toMatch(new RegExp(`\\.\\.\\. and ${error.issues.length - 50} more$`));
  });
});

describe("the topology file's size", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "nanoflux-limits-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("a file over 1 MiB is a ConfigError naming the file, its size and the limit", async () => {
    const file = join(dir, "huge.yaml");
    await writeFile(file, `name: ${"x".repeat(2 * 1024 * 1024)}\n`);
    const error = await readTopologyText(file).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^${file}: ${2 * 1024 * 1024 + 7} bytes, more than the ${LIMITS.fileBytes} bytes \\(1 MiB\\)`,
      ),
    );
  });

  it("a file at the limit is read whole", async () => {
    const file = join(dir, "full.yaml");
    const text = `# ${"x".repeat(LIMITS.fileBytes - 3)}\n`;
    await writeFile(file, text);
    await expect(readTopologyText(file)).resolves.toBe(text);
  });

  it("a device that never ends is cut at the limit, not read until memory runs out", async () => {
    const error = await readTopologyText("/dev/zero").catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^\/dev\/zero: more than 1048576 bytes/);
  });

  it("topology text over the limit is refused before it is parsed", () => {
    expect(() => parseTopology(`name: x\n#${"y".repeat(LIMITS.fileBytes)}`, "big.yaml", {})).toThrow(
      /^big\.yaml: \d+ characters, more than the 1048576 bytes/,
    );
  });

  it("a folder or a missing file still says what it is", async () => {
    await expect(readTopologyText(dir)).rejects.toThrow(/is a folder, not a file/);
    await expect(readTopologyText(join(dir, "nobody.yaml"))).rejects.toThrow(/file not found/);
  });
});

function times<T>(n: number, make: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => make(i));
}
