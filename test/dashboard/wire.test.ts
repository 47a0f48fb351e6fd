import { describe, expect, it } from "vitest";
import { API, parseRoundPath } from "../../dashboard/wire.ts";

describe("round paths", () => {
  it("carry ids with any characters there and back", () => {
    const path = API.round("run 1/a", "r#00?1");
    expect(path).not.toContain("#");
    expect(parseRoundPath(path)).toEqual({ runId: "run 1/a", roundId: "r#00?1" });
  });

  it("reject other paths and malformed escapes", () => {
    expect(parseRoundPath("/api/runs/a/rounds")).toBeUndefined();
    expect(parseRoundPath("/api/runs/a/rounds/b/c")).toBeUndefined();
    expect(parseRoundPath("/api/runs/%E0%A4%A/rounds/b")).toBeUndefined();
  });
});
