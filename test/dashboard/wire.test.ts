import { describe, expect, it } from "vitest";
import { API, parseApiPath } from "../../dashboard/wire.ts";

describe("API paths", () => {
  it("carry ids with any characters there and back", () => {
    expect(parseApiPath(API.round("run 1/a", "r#00?1"))).toEqual({
      kind: "round",
      runId: "run 1/a",
      roundId: "r#00?1",
    });
    expect(API.round("run 1/a", "r#00?1")).not.toContain("#");
    expect(parseApiPath(API.reviews("a", "r/1"))).toEqual({ kind: "reviews", runId: "a", roundId: "r/1" });
    expect(parseApiPath(API.rounds("a b"))).toEqual({ kind: "rounds", runId: "a b" });
    expect(parseApiPath(API.export("a"))).toEqual({ kind: "export", runId: "a" });
  });

  it("reject other paths and malformed escapes", () => {
    expect(parseApiPath("/api/runs/a/rounds/b/c")).toBeUndefined();
    expect(parseApiPath("/api/runs/a/export/b")).toBeUndefined();
    expect(parseApiPath("/api/runs/%E0%A4%A/rounds/b")).toBeUndefined();
    expect(parseApiPath("/api/runs/a/rounds/%E0%A4%A")).toBeUndefined();
    expect(parseApiPath("/api/other")).toBeUndefined();
  });

  it("decode a traversal to what it is, for the server to refuse as no run id", () => {
    expect(parseApiPath("/api/runs/%2E%2E/export")).toEqual({ kind: "export", runId: ".." });
  });
});
