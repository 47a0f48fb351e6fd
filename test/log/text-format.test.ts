import { afterEach, describe, expect, it } from "vitest";
import { createLogger, type LogFormat } from "../../log/logger.ts";
import { CENSOR } from "../../log/redaction.ts";
import { formatLogLine } from "../../log/text-format.ts";
import { chooseOutput } from "../../terminal/output.ts";

const API_KEY = "sk-proj-Zx81QmWv3LkT6yNbR4cD";
const NATS_PASS = "nats-pass-Hq4vX8rB";
const URL_PASS = "url-pass-Tr6yU1iO";

function captured(options: { level?: string; format?: LogFormat } = {}) {
  const written: string[] = [];
  const logger = createLogger({ ...options, destination: { write: (line: string) => written.push(line) } });
  return { logger, written, text: () => written.join("") };
}

afterEach(() => chooseOutput({}));

describe("the text log format", () => {
  it("is one line per event: time, message, then key=value fields; WARN and ERROR marked", () => {
    const { logger, written } = captured({ format: "text" });
    logger.info({ runId: "run-1", runDir: "/tmp/runs/run-1", agents: 5 }, "run started");
    logger.child({ agent: "judge" }).warn({ reason: "slow answer", attempt: 2 }, "asking the model again");
    logger.error({ err: new Error("connection refused") }, "model call failed");
    expect(written).toHaveLength(3);
    expect(written[0]).toMatch(
      /^\d\d:\d\d:\d\d run started {2}runId=run-1 runDir=\/tmp\/runs\/run-1 agents=5\n$/,
    );
    expect(written[1]).toMatch(
      /^\d\d:\d\d:\d\d WARN asking the model again {2}agent=judge reason="slow answer" attempt=2\n$/,
    );
    // An error shows its message; its stack only when debugging.
    expect(written[2]).toMatch(/^\d\d:\d\d:\d\d ERROR model call failed {2}err="connection refused"\n$/);
    expect(
      formatLogLine(JSON.stringify({ level: 50, msg: "x", err: { message: "gone", code: "E1" } }), {
        color: false,
        stacks: false,
      }),
    ).toMatch(/ERROR x {2}err="gone \(E1\)"\n$/);
  });

  it("keeps a value with newlines on its line and cuts long ones", () => {
    const line = formatLogLine(
      JSON.stringify({
        level: 20,
        time: 0,
        msg: "model reply",
        text: `a\nb${"x".repeat(500)}`,
        tags: ["a", "b"],
      }),
      { color: false, stacks: false },
    );
    expect(line.split("\n")).toHaveLength(2);
    expect(line).toMatch(/debug model reply {2}text="a\\nbxx+…/);
    expect(line.length).toBeLessThan(250);
    expect(line).toContain('tags=["a","b"]');
  });

  it("shows an error's stack under its line when debugging", () => {
    const { logger, text } = captured({ format: "text", level: "debug" });
    logger.error({ err: new TypeError("boom") }, "failed");
    expect(text()).toMatch(/ERROR failed {2}err=boom\n {4}TypeError: boom\n {8}at /);
  });

  it("passes a line that is not JSON through", () => {
    expect(formatLogLine("not json", { color: false, stacks: false })).toBe("not json\n");
  });

  it("colours time, level and keys only when asked", () => {
    const line = JSON.stringify({ level: 40, time: 0, msg: "careful", a: 1 });
    expect(formatLogLine(line, { color: false, stacks: false })).not.toContain("\u001b[");
    expect(formatLogLine(line, { color: true, stacks: false })).toContain("\u001b[33mWARN\u001b[0m");
  });
});

describe("secrets never reach a line, in either format", () => {
  const saved = process.env.NATS_PASSWORD;
  afterEach(() => {
    if (saved === undefined) delete process.env.NATS_PASSWORD;
    else process.env.NATS_PASSWORD = saved;
  });

  it.each(["text", "json"] as const)("%s", (format) => {
    process.env.NATS_PASSWORD = NATS_PASS;
    const { logger, text } = captured({ format, level: "debug" });
    logger.debug({ model: { id: "gpt", apiKey: API_KEY } }, "topology loaded");
    logger.info({ headers: { authorization: `Bearer ${API_KEY}` } }, "request");
    logger.warn(`connecting to nats://alice:${URL_PASS}@127.0.0.1:4222 as alice/${NATS_PASS}`);
    logger.error({ err: new Error(`401 for key ${API_KEY}`) }, "model call failed");
    const output = text();
    for (const secret of [API_KEY, NATS_PASS, URL_PASS]) expect(output).not.toContain(secret);
    expect(output).toContain(CENSOR);
    // One line per event (an error's stack, shown at debug level, is indented under its line).
    expect(output.split("\n").filter((line) => /^(\{|\d\d:)/.test(line))).toHaveLength(4);
  });
});

describe("untrusted text in a log line", () => {
  // An OSC title change, a bell, a carriage return and a clear-line: what a hostile benchmark line or model answer may carry.
  const HOSTILE = "\u001b]0;PWN\u0007\r\u001b[2K\u202Egnp.exe";
  const acts = (text: string) =>
    ["\u0007", "\r", "\u202E", "\u001b]", "\u001b[2K"].some((seq) => text.includes(seq));

  it("shows controls as codes in every part: message, keys, values, stacks, and lines that are not JSON", () => {
    const record = {
      level: 50,
      time: 0,
      msg: `skipped malformed line (${HOSTILE})`,
      [`key${HOSTILE}`]: HOSTILE,
      err: { type: "Error", message: HOSTILE, stack: `Error: ${HOSTILE}\n    at x` },
    };
    const shown = formatLogLine(JSON.stringify(record), { color: false, stacks: true });
    expect(acts(shown)).toBe(false);
    expect(shown).toContain("\\u{1b}]0;PWN\\u{7}");
    expect(acts(formatLogLine(`not json ${HOSTILE}`, { color: false, stacks: false }))).toBe(false);
  });
});
