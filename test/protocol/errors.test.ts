import { describe, expect, it } from "vitest";
import { reportFatal } from "../../cli/errors.ts";
import {
  BudgetExceededError,
  ConfigError,
  ERROR_CODES,
  type ErrorCode,
  errorInfo,
  isErrorCode,
  ModelError,
  NanofluxError,
  SystemError,
} from "../../protocol/errors.ts";

const CODES = Object.keys(ERROR_CODES) as ErrorCode[];

/** reportFatal's exit code, with what it wrote thrown away. */
function exitCodeOf(err: unknown): number {
  const stderr = { write: () => true } as unknown as NodeJS.WritableStream;
  return reportFatal(err, stderr, {});
}

describe("the error codes", () => {
  it("never retry the user's mistakes or a spent budget", () => {
    for (const code of CODES) {
      const { kind, retryable } = ERROR_CODES[code];
      if (kind === "input" || kind === "budget")
        expect({ code, retryable }).toEqual({ code, retryable: false });
    }
  });

  it("give exit code 2 to input errors and 1 to every other kind", () => {
    for (const code of CODES) {
      const info = errorInfo(new NanofluxError("x", { code }));
      expect(info.code).toBe(code);
      expect({ code, exitCode: info.exitCode }).toEqual({ code, exitCode: info.kind === "input" ? 2 : 1 });
    }
  });

  it("recognise only the codes of the set", () => {
    expect(isErrorCode("MODEL_AUTH")).toBe(true);
    expect(isErrorCode("AUTH")).toBe(false);
    expect(isErrorCode("toString")).toBe(false);
    expect(isErrorCode(undefined)).toBe(false);
  });

  it("are checked against the class at compile time", () => {
    // @ts-expect-error a ConfigError carries input codes only
    const wrong = new ConfigError("x", { code: "MODEL_TIMEOUT" });
    // @ts-expect-error a code outside the set
    const unknown = new SystemError("x", { code: "NOT_A_CODE" });
    expect([wrong.code, unknown.code]).toEqual(["MODEL_TIMEOUT", "NOT_A_CODE"]);
  });
});

describe("errorInfo", () => {
  it("maps each class's default code to its kind", () => {
    expect(errorInfo(new ConfigError("bad field"))).toEqual({
      code: "CONFIG",
      kind: "input",
      retryable: false,
      exitCode: 2,
    });
    expect(errorInfo(new ModelError("garbage"))).toEqual({
      code: "MODEL",
      kind: "model",
      retryable: true,
      exitCode: 1,
    });
    expect(errorInfo(new SystemError("disk"))).toMatchObject({
      code: "SYSTEM",
      kind: "system",
      retryable: false,
    });
    expect(errorInfo(new BudgetExceededError("spent"))).toEqual({
      code: "BUDGET",
      kind: "budget",
      retryable: false,
      exitCode: 1,
    });
  });

  it("keeps a specific code", () => {
    expect(errorInfo(new ModelError("x", { code: "MODEL_MALFORMED" }))).toMatchObject({
      code: "MODEL_MALFORMED",
      kind: "model",
    });
    expect(errorInfo(new SystemError("x", { code: "NATS_UNAVAILABLE" }))).toMatchObject({
      code: "NATS_UNAVAILABLE",
      retryable: true,
    });
  });

  it("finds a NanofluxError under a wrapper, and calls anything else INTERNAL", () => {
    const wrapped = new Error("actor failed", {
      cause: new Error("inner", { cause: new ConfigError("bad") }),
    });
    expect(errorInfo(wrapped)).toMatchObject({ code: "CONFIG", exitCode: 2 });
    expect(errorInfo(new TypeError("x is undefined"))).toEqual({
      code: "INTERNAL",
      kind: "system",
      retryable: false,
      exitCode: 1,
    });
    expect(errorInfo("a string")).toMatchObject({ code: "INTERNAL" });
    expect(errorInfo(undefined)).toMatchObject({ code: "INTERNAL" });
  });

  it("reads an unknown code (from plug-in JavaScript) as its class's default", () => {
    const fromPlugin = new ModelError("x");
    Object.defineProperty(fromPlugin, "code", { value: "SOMETHING_ELSE" });
    expect(errorInfo(fromPlugin)).toMatchObject({ code: "MODEL", kind: "model" });
  });
});

describe("reportFatal's exit code comes from the error's code", () => {
  it("2 for input errors, wherever they are thrown, 1 for the rest", () => {
    expect(exitCodeOf(new ConfigError("bad", { code: "MODEL_AUTH" }))).toBe(2);
    expect(exitCodeOf(new ConfigError("bad", { code: "NATS_REPLICAS" }))).toBe(2);
    expect(exitCodeOf(new Error("wrapper", { cause: new ConfigError("bad") }))).toBe(2);
    expect(exitCodeOf(new SystemError("down", { code: "MODEL_UNAVAILABLE" }))).toBe(1);
    expect(exitCodeOf(new ModelError("garbage", { code: "MODEL_MALFORMED" }))).toBe(1);
    expect(exitCodeOf(new BudgetExceededError("spent"))).toBe(1);
    expect(exitCodeOf(new TypeError("bug"))).toBe(1);
  });

  it("prints the wrapped error's own message, not the wrapper's", () => {
    const written: string[] = [];
    const stderr = { write: (text: string) => written.push(text) } as unknown as NodeJS.WritableStream;
    reportFatal(new Error("actor failed", { cause: new ConfigError("set nats.url") }), stderr, {});
    expect(written.join("")).toBe("nanoflux: set nats.url\n");
  });
});
