import type { Rng } from "../../random.ts";
import type { ChainStep } from "./chain.ts";
import type { MathSkill } from "./skills.ts";
import type { Story } from "./stories.ts";
import type { Ask, Unit } from "./templates.ts";
import { magnitude, money } from "./templates.ts";

/**
 * How a word problem starts: usually with its first hop (a rate times a count, an area, a count of choices);
 * for a one-hop question about a skill no first hop exercises, with a stated quantity the one hop works on.
 */

interface OpeningDraw {
  sentence: string;
  start: number;
  startLabel: string;
  /** The opening's hop; absent when it only states the starting quantity. */
  step?: ChainStep;
  /** How to ask for the opening's result when no hop follows. */
  asks: readonly Ask[];
}

export interface Opening {
  unit: Unit;
  exercises: readonly MathSkill[];
  /** Offered only when one of these skills is asked for, so the usual questions still open with a rate. */
  onlyFor?: readonly MathSkill[];
  draw: (rng: Rng, s: Story) => OpeningDraw;
}

const START_ASKS: readonly Ask[] = [
  (s) => `How many ${s.theme.items} is that in total?`,
  (s) => `How many ${s.theme.items} does ${s.name} end up with?`,
];

function rateOpening(
  per: string,
  say: (s: Story, perUnit: number, count: number) => string,
  label: (s: Story, count: number) => string,
): Opening {
  return {
    unit: "items",
    exercises: ["rates_and_ratios"],
    draw(rng, s) {
      const perUnit = magnitude(rng);
      const count = rng.int(2, 30);
      return {
        sentence: say(s, perUnit, count),
        start: perUnit,
        startLabel: `${s.theme.items} per ${per}`,
        step: { kind: "mul", operand: count, label: label(s, count) },
        asks: START_ASKS,
      };
    },
  };
}

const RATES: readonly Opening[] = [
  rateOpening(
    "day",
    (s, a, b) =>
      `${s.name} ${s.theme.makes} ${a} ${s.theme.items} a day at ${s.possessive} ${s.theme.place} for ${b} days.`,
    (s, b) => `${s.theme.items} ${s.theme.made} in ${b} days`,
  ),
  rateOpening(
    "worker",
    (s, a, b) =>
      `At the ${s.theme.place}, ${s.name} and ${b - 1} helpers each ${s.theme.make} ${a} ${s.theme.items}.`,
    (s, b) => `${s.theme.items} ${s.theme.made} by the ${b} workers`,
  ),
  rateOpening(
    "week",
    (s, a, b) =>
      `Every week for ${b} weeks, ${s.name}'s ${s.theme.place} receives an order for ${a} ${s.theme.items}, and ${s.pronoun} ${s.theme.makes} all of them.`,
    (s, b) => `${s.theme.items} ${s.theme.made} over ${b} weeks`,
  ),
  rateOpening(
    "shift",
    (s, a, b) =>
      `${s.name} works ${b} shifts at a ${s.theme.place}; in each shift ${s.pronoun} ${s.theme.makes} ${a} ${s.theme.items}.`,
    (s, b) => `${s.theme.items} ${s.theme.made} in ${b} shifts`,
  ),
];

const floorArea: Opening = {
  unit: "area",
  exercises: ["measurement_geometry"],
  onlyFor: ["measurement_geometry"],
  draw(rng, s) {
    const length = rng.int(6, 80);
    const width = rng.int(4, 50);
    return {
      sentence: `The storeroom of ${s.name}'s ${s.theme.place} has a rectangular floor ${length} metres long and ${width} metres wide.`,
      start: length,
      startLabel: "metres of floor length",
      step: { kind: "mul", operand: width, label: "square metres of floor" },
      asks: [() => "What is the floor area of the storeroom, in square metres?"],
    };
  },
};

const giftChoices: Opening = {
  unit: "choices",
  exercises: ["combinatorics_lite"],
  onlyFor: ["combinatorics_lite"],
  draw(rng, s) {
    const varieties = rng.int(3, 15);
    const designs = rng.int(2, 9);
    return {
      sentence: `${s.name}'s ${s.theme.place} makes ${varieties} varieties of ${s.theme.items}, and a gift pairs one variety with one of ${designs} ${s.theme.container} designs.`,
      start: varieties,
      startLabel: `varieties of ${s.theme.items}`,
      step: { kind: "mul", operand: designs, label: "different variety-and-design gifts" },
      asks: [(s) => `How many different gifts can ${s.name} put together?`],
    };
  },
};

/** Openings that are a hop, for every question of two or more hops and for one-hop ones they fit. */
export const OPENINGS: readonly Opening[] = [...RATES, floorArea, giftChoices];

function statement(
  unit: Unit,
  say: (s: Story, value: number) => string,
  label: (s: Story) => string,
): Opening {
  return {
    unit,
    exercises: [],
    draw(rng, s) {
      // A round number, so that any percentage, fraction or split of it the one hop takes comes out whole.
      const value = rng.int(2, 2000) * 20;
      return { sentence: say(s, value), start: value, startLabel: label(s), asks: [] };
    },
  };
}

/** Openings that only state a quantity, for a one-hop question whose hop is the skill asked for. */
export const STATEMENTS: readonly Opening[] = [
  statement(
    "items",
    (s, n) => `${s.name}'s ${s.theme.place} has ${n} ${s.theme.items} in stock.`,
    (s) => `${s.theme.items} in stock`,
  ),
  statement(
    "money",
    (s, n) => `${s.name} has saved ${money(n)} from ${s.possessive} ${s.theme.place}.`,
    () => "dollars saved",
  ),
];
