import { describe, expect, it } from "vitest";
import { configFromFlags, type SimFlags, simCommand } from "../../cli/sim-command.ts";
import { matchPath } from "../../packages/sim/src/routes.ts";

describe("nanoflux sim flags", () => {
  const parse = async (args: string[]) => {
    let flags: SimFlags | undefined;
    const command = simCommand()
      .exitOverride()
      .configureOutput({ writeErr: () => undefined })
      .action((options: SimFlags) => {
        flags = options;
      });
    await command.parseAsync(args, { from: "user" });
    if (!flags) throw new Error("the sim command did not run its action");
    return configFromFlags(flags);
  };

  it("turns flags into a simulator config, with defaults for the rest", async () => {
    const config = await parse([
      "--seed",
      "11",
      "--latency-ms",
      "20",
      "--rate-429",
      "0.1",
      "--model",
      "big=0.9",
      "--model",
      "org/small=0.4",
    ]);
    expect(config).toMatchObject({
      port: 0,
      seed: 11,
      latencyMs: 20,
      models: [
        { name: "big", skill: 0.9 },
        { name: "org/small", skill: 0.4 },
      ],
      faults: { rate429: 0.1, rate500: 0, rateTimeout: 0, rateMalformed: 0 },
    });
  });

  it("names the flag behind a bad value", async () => {
    await expect(parse(["--rate-500", "2"])).rejects.toThrow(/--rate-500/);
    await expect(parse(["--model", "big=1.5"])).rejects.toThrow(/--model/);
    await expect(parse(["--model", "big"])).rejects.toThrow(/name=skill/);
  });

  it("documents every knob in --help", () => {
    const help = simCommand().helpInformation();
    for (const flag of [
      "--port",
      "--seed",
      "--latency-ms",
      "--tokens-per-second",
      "--max-concurrency",
      "--rate-429",
      "--rate-500",
      "--rate-timeout",
      "--rate-malformed",
      "--model",
      "--benchmarks",
    ]) {
      expect(help).toContain(flag);
    }
  });
});

describe("matchPath", () => {
  it("matches literal paths and captures parameters, including names with slashes", () => {
    expect(matchPath("/v1/models", "/v1/models/")).toEqual({});
    expect(matchPath("/v1/models/:id+", "/v1/models/org/model-7b")).toEqual({ id: "org/model-7b" });
    expect(matchPath("/v1/files/:id", "/v1/files/file-1")).toEqual({ id: "file-1" });
    expect(matchPath("/v1/files/:id", "/v1/files/file-1/content")).toBeUndefined();
    expect(matchPath("/v1/models", "/v1/embeddings")).toBeUndefined();
  });
});
