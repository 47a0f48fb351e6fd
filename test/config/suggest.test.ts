import { describe, expect, it } from "vitest";
import { closest, editDistance, suggestionHint } from "../../config/suggest.ts";

describe("did-you-mean suggestions", () => {
  it("counts edits, with a swap of neighbours as one", () => {
    expect(editDistance("maxConcurency", "maxConcurrency")).toBe(1);
    expect(editDistance("tpye", "type")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
  });

  it("suggests a near, unambiguous candidate only", () => {
    const keys = ["concurrency", "domains", "seed", "maxRounds"];
    expect(closest("concurency", keys)).toBe("concurrency");
    expect(closest("MaxRounds", keys)).toBe("maxRounds");
    expect(closest("budget", keys)).toBeUndefined();
    // Equally near candidates: no guess.
    expect(closest("L7", ["L1", "L2"])).toBeUndefined();
    // Short words are too easy to match by accident.
    expect(closest("b", ["a"])).toBeUndefined();
  });

  it("starts a hint with the suggestion when there is one", () => {
    expect(suggestionHint("judg", ["judge"], "use a model id")).toBe('did you mean "judge"? use a model id');
    expect(suggestionHint("zzz", ["judge"], "use a model id")).toBe("use a model id");
  });
});
