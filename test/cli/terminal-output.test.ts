import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../protocol/errors.ts";
import { chooseOutput, isQuiet, outputSettings, wantsDetail } from "../../terminal/output.ts";

afterEach(() => chooseOutput({}));

describe("the process's output settings", () => {
  it("default to info and text; the environment may say otherwise", () => {
    expect(outputSettings({})).toEqual({ level: "info", format: "text", quiet: false });
    expect(outputSettings({ NANOFLUX_LOG_LEVEL: "warn", NANOFLUX_LOG_FORMAT: "json" })).toEqual({
      level: "warn",
      format: "json",
      quiet: false,
    });
  });

  it("take the root command's flags over the environment", () => {
    const env = { NANOFLUX_LOG_LEVEL: "error", NANOFLUX_LOG_FORMAT: "text" };
    chooseOutput({ verbose: true, logFormat: "json" });
    expect(outputSettings(env)).toEqual({ level: "debug", format: "json", quiet: false });
    expect(wantsDetail({})).toBe(true);
    chooseOutput({ quiet: true });
    expect(outputSettings({ NANOFLUX_LOG_LEVEL: "debug" })).toEqual({
      level: "warn",
      format: "text",
      quiet: true,
    });
    expect(isQuiet()).toBe(true);
  });

  it("keep trace with --verbose when the environment asks for it", () => {
    chooseOutput({ verbose: true });
    expect(outputSettings({ NANOFLUX_LOG_LEVEL: "trace" }).level).toBe("trace");
  });

  it("name a bad variable and its allowed values", () => {
    expect(() => outputSettings({ NANOFLUX_LOG_FORMAT: "yaml" })).toThrow(ConfigError);
    expect(() => outputSettings({ NANOFLUX_LOG_FORMAT: "yaml" })).toThrow(
      'NANOFLUX_LOG_FORMAT="yaml" is not one of text, json',
    );
    expect(() => outputSettings({ NANOFLUX_LOG_LEVEL: "loud" })).toThrow(/NANOFLUX_LOG_LEVEL="loud"/);
  });

  it("say when details are wanted without ever throwing", () => {
    expect(wantsDetail({ NANOFLUX_LOG_LEVEL: "debug" })).toBe(true);
    expect(wantsDetail({ NANOFLUX_LOG_LEVEL: "nonsense" })).toBe(false);
    expect(wantsDetail({})).toBe(false);
  });
});
