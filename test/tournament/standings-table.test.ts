import { describe, expect, it } from "vitest";
import type { RatingInterval, StandingsRow } from "../../tournament/ratings.ts";
import { formatStandingsTable } from "../../tournament/standings-table.ts";

function interval(rating: number, halfWidth: number): RatingInterval {
  return { rating, ci95: [rating - halfWidth, rating + halfWidth] };
}

function row(model: string, overrides: Partial<StandingsRow> = {}): StandingsRow {
  return {
    model,
    defence: interval(1712.4, 64.6),
    attack: interval(1450.6, 58.2),
    games: 120,
    attackWins: 30,
    defences: 45,
    invalid: 3,
    defenderSuccessRate: 0.754,
    ...overrides,
  };
}

describe("standings table", () => {
  it("shows ratings with the 95% half-width, the defended share and the invalid count", () => {
    const [header, rule, line] = formatStandingsTable([row("qwen-7b")]).split("\n");
    expect(header?.split(/\s+/)).toEqual(["model", "defence", "attack", "games", "defended", "invalid"]);
    expect(rule).toMatch(/^[- ]+$/);
    expect(line?.split(/\s{2,}/)).toEqual(["qwen-7b", "1712 ± 65", "1451 ± 58", "120", "75.4%", "3"]);
  });

  it("aligns every column to its widest cell: names to the left, numbers to the right", () => {
    const table = formatStandingsTable([
      row("a-model-with-a-long-name", { games: 7 }),
      row("tiny", { defence: interval(987, 1234), games: 12345, defenderSuccessRate: 1 }),
    ]);
    const lines = table.split("\n");
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
    const gamesEnd = (line: string, games: string) => line.indexOf(` ${games} `) + games.length + 1;
    expect(gamesEnd(lines[2] as string, "7")).toBe(gamesEnd(lines[3] as string, "12345"));
    expect(lines[3]?.startsWith("tiny ")).toBe(true);
    expect(lines[3]).toContain("987 ± 1234");
    expect(lines[3]).toContain("100.0%");
  });

  it("shows a dash for a model that has not defended yet, and only the header without rows", () => {
    const line = formatStandingsTable([row("new", { defenderSuccessRate: null })]).split("\n")[2];
    expect(line?.split(/\s{2,}/)[4]).toBe("-");
    expect(formatStandingsTable([]).split("\n")).toHaveLength(2);
  });
});
