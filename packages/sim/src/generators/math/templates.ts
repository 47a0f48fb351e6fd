import type { Rng } from "../../random.ts";
import { capitalize } from "../../text.ts";
import type { OpKind } from "./chain.ts";
import type { MathSkill } from "./skills.ts";
import type { Story } from "./stories.ts";

/**
 * One template per kind of hop: when it fits the running value, how its operand is drawn, and how it reads.
 * A hop changes what the running value counts (items, full containers, dollars); the last hop's `asks`
 * becomes the question.
 */

export type Unit =
  | "items"
  | "containers"
  | "money"
  | "minutes"
  | "hours"
  | "euros"
  | "kilograms"
  | "area"
  | "choices";

export interface Operand {
  operand: number;
  denominator?: number;
}

export interface Wording {
  say: (s: Story, o: Operand) => string;
  label: (s: Story, o: Operand) => string;
}

/** The sentence that ends a question, asking for the last hop's result. */
export type Ask = (s: Story) => string;

export interface OpTemplate {
  kind: OpKind;
  from: Unit;
  to: Unit;
  /** Only as the last hop (its result is not something later sentences can talk about). */
  terminal?: boolean;
  /**
   * The math pack's skills this hop exercises (none for plain arithmetic: any chain of two hops or more is
   * multi-step arithmetic); a requested one makes the hop more likely.
   */
  exercises: readonly MathSkill[];
  /** Offered only when one of these skills is asked for, so the usual mix of hops stays as it was. */
  onlyFor?: readonly MathSkill[];
  /** The operand for this value, or undefined when the hop would not give a clean, positive result. */
  operand: (rng: Rng, value: number) => Operand | undefined;
  wordings: readonly Wording[];
  asks: readonly Ask[];
}

const PERCENTS = [5, 10, 15, 20, 25, 30, 40, 45, 50, 60, 75, 80] as const;
const FRACTIONS = [
  [1, 2],
  [1, 3],
  [2, 3],
  [1, 4],
  [3, 4],
  [2, 5],
  [3, 5],
  [4, 5],
  [5, 6],
  [3, 8],
  [7, 10],
] as const;

export const He = (s: Story) => capitalize(s.pronoun);
export const money = (value: number) => `$${Number.isInteger(value) ? value : value.toFixed(2)}`;

export function portion(rng: Rng, value: number): Operand | undefined {
  if (value < 4 || !Number.isInteger(value)) return undefined;
  return { operand: rng.int(Math.max(1, Math.floor(value * 0.05)), Math.floor(value * 0.6)) };
}

function exactPercent(rng: Rng, value: number): Operand | undefined {
  const fits = PERCENTS.filter((p) => Number.isInteger(value) && value > 0 && (value * p) % 100 === 0);
  return fits.length === 0 ? undefined : { operand: rng.pick(fits) };
}

function sizeAtMost(rng: Rng, value: number, needsRemainder: boolean): Operand | undefined {
  if (!Number.isInteger(value) || value < 8) return undefined;
  const sizes = Array.from({ length: 57 }, (_, i) => i + 4).filter(
    (k) => k * 2 <= value && (!needsRemainder || value % k !== 0),
  );
  return sizes.length === 0 ? undefined : { operand: rng.pick(sizes) };
}

export function magnitude(rng: Rng): number {
  return rng.weighted([
    [rng.int(12, 99), 3],
    [rng.int(100, 999), 4],
    [rng.int(1000, 99_999), 3],
    [rng.int(100_000, 9_999_999), 1],
  ]);
}

const itemsOps: readonly OpTemplate[] = [
  {
    kind: "sub",
    from: "items",
    to: "items",
    exercises: [],
    operand: portion,
    wordings: [
      {
        say: (s, o) => `${s.friend} buys ${o.operand} of them.`,
        label: (s) => `${s.theme.items} left after ${s.friend}'s purchase`,
      },
      {
        say: (s, o) => `${o.operand} of the ${s.theme.items} turn out to be flawed and are thrown away.`,
        label: (s) => `${s.theme.items} left after discarding the flawed ones`,
      },
      {
        say: (s, o) =>
          `${He(s)} gives ${o.operand} ${s.theme.items} to ${s.possessive} ${s.theme.recipients}.`,
        label: (s) => `${s.theme.items} left after the gift`,
      },
    ],
    asks: [
      (s) => `How many ${s.theme.items} does ${s.name} have left?`,
      (s) => `How many ${s.theme.items} remain?`,
    ],
  },
  {
    kind: "add",
    from: "items",
    to: "items",
    exercises: [],
    operand: (rng) => ({ operand: magnitude(rng) }),
    wordings: [
      {
        say: (s, o) => `${s.friend} brings ${o.operand} more ${s.theme.items}.`,
        label: (s) => `${s.theme.items} after ${s.friend}'s contribution`,
      },
      {
        say: (s, o) => `A late delivery adds another ${o.operand} ${s.theme.items}.`,
        label: (s) => `${s.theme.items} after the late delivery`,
      },
      {
        say: (s, o) => `${He(s)} also finds ${o.operand} ${s.theme.items} left over from last season.`,
        label: (s) => `${s.theme.items} including last season's`,
      },
    ],
    asks: [(s) => `How many ${s.theme.items} does ${s.name} have now?`],
  },
  {
    kind: "mul",
    from: "items",
    to: "items",
    exercises: ["rates_and_ratios"],
    operand: (rng) => ({ operand: rng.int(2, 6) }),
    wordings: [
      {
        say: (s, o) => `The next month ${s.possessive} output is ${o.operand} times as large.`,
        label: (s) => `${s.theme.items} the next month`,
      },
      {
        say: (s, o) =>
          `A bigger ${s.theme.place} nearby turns out ${o.operand} times as many ${s.theme.items}.`,
        label: (s) => `${s.theme.items} at the bigger ${s.theme.place}`,
      },
    ],
    asks: [(s) => `How many ${s.theme.items} is that?`],
  },
  {
    kind: "pct_keep",
    from: "items",
    to: "items",
    exercises: ["percentages"],
    operand: exactPercent,
    wordings: [
      {
        say: (s, o) => `${He(s)} sells ${o.operand}% of the ${s.theme.items} on the first morning.`,
        label: (s) => `${s.theme.items} still unsold`,
      },
      {
        say: (s, o) => `${o.operand}% of the ${s.theme.items} fail the quality check and are removed.`,
        label: (s) => `${s.theme.items} that pass the quality check`,
      },
    ],
    asks: [(s) => `How many ${s.theme.items} are left?`],
  },
  {
    kind: "pct_up",
    from: "items",
    to: "items",
    exercises: ["percentages"],
    operand: exactPercent,
    wordings: [
      {
        say: (_s, o) => `After new equipment arrives, that number grows by ${o.operand}%.`,
        label: (s) => `${s.theme.items} after the increase`,
      },
      {
        say: (s, o) =>
          `The following season ${s.possessive} ${s.theme.place} produces ${o.operand}% more ${s.theme.items} than that.`,
        label: (s) => `${s.theme.items} the following season`,
      },
    ],
    asks: [(s) => `How many ${s.theme.items} is that?`],
  },
  {
    kind: "frac_keep",
    from: "items",
    to: "items",
    exercises: ["fractions_and_decimals"],
    operand: (rng, value) => {
      const fits = FRACTIONS.filter(([, d]) => Number.isInteger(value) && value > 0 && value % d === 0);
      if (fits.length === 0) return undefined;
      const [n, d] = rng.pick(fits);
      return { operand: n, denominator: d };
    },
    wordings: [
      {
        say: (s, o) =>
          `${He(s)} keeps ${o.operand}/${o.denominator} of them for the shop and donates the rest.`,
        label: (s) => `${s.theme.items} kept for the shop`,
      },
      {
        say: (s, o) =>
          `Only ${o.operand}/${o.denominator} of the ${s.theme.items} meet ${s.friend}'s standard.`,
        label: (s) => `${s.theme.items} meeting ${s.friend}'s standard`,
      },
    ],
    asks: [(s) => `How many ${s.theme.items} is that?`],
  },
  {
    kind: "pack",
    from: "items",
    to: "containers",
    exercises: [],
    operand: (rng, value) => sizeAtMost(rng, value, false),
    wordings: [
      {
        say: (s, o) =>
          `${He(s)} packs the ${s.theme.items} into ${s.theme.containers} of ${o.operand}, filling only full ${s.theme.containers}.`,
        label: (s, o) => `full ${s.theme.containers} of ${o.operand}`,
      },
    ],
    asks: [(s) => `How many full ${s.theme.containers} does ${s.pronoun} fill?`],
  },
  {
    kind: "leftover",
    from: "items",
    to: "items",
    terminal: true,
    exercises: [],
    operand: (rng, value) => sizeAtMost(rng, value, true),
    wordings: [
      {
        say: (s, o) =>
          `${He(s)} packs them into ${s.theme.containers} of ${o.operand} and fills as many as possible.`,
        label: (s) => `${s.theme.items} left over`,
      },
    ],
    asks: [(s) => `How many ${s.theme.items} are left over?`],
  },
  {
    kind: "price",
    from: "items",
    to: "money",
    exercises: ["money_and_budgets", "rates_and_ratios"],
    operand: (rng) => ({ operand: rng.int(1, 40) + (rng.chance(0.3) ? rng.pick([0.25, 0.5, 0.75]) : 0) }),
    wordings: [
      {
        say: (s, o) => `${He(s)} sells every one of them for ${money(o.operand)}.`,
        label: (s) => `dollars from selling the ${s.theme.items}`,
      },
      {
        say: (s, o) => `A wholesaler pays ${money(o.operand)} per ${s.theme.item} for all of them.`,
        label: () => "dollars paid by the wholesaler",
      },
    ],
    asks: [
      (s) => `How many dollars does ${s.name} make?`,
      (s) => `How much money, in dollars, does ${s.pronoun} receive?`,
    ],
  },
];

const containerOps: readonly OpTemplate[] = [
  {
    kind: "sub",
    from: "containers",
    to: "containers",
    exercises: [],
    operand: portion,
    wordings: [
      {
        say: (s, o) => `${o.operand} of the ${s.theme.containers} are shipped to ${s.friend}.`,
        label: (s) => `${s.theme.containers} not shipped`,
      },
    ],
    asks: [(s) => `How many ${s.theme.containers} are still at the ${s.theme.place}?`],
  },
  {
    kind: "price",
    from: "containers",
    to: "money",
    exercises: ["money_and_budgets", "rates_and_ratios"],
    operand: (rng) => ({ operand: rng.int(8, 120) }),
    wordings: [
      {
        say: (s, o) => `Each full ${s.theme.container} sells for ${money(o.operand)}.`,
        label: (s) => `dollars from the ${s.theme.containers}`,
      },
    ],
    asks: [(s) => `How many dollars does ${s.name} earn from the ${s.theme.containers}?`],
  },
];

const moneyOps: readonly OpTemplate[] = [
  {
    kind: "add",
    from: "money",
    to: "money",
    exercises: ["money_and_budgets"],
    operand: (rng) => ({ operand: rng.int(5, 500) }),
    wordings: [
      {
        say: (s, o) => `${s.friend} adds a bonus of ${money(o.operand)}.`,
        label: () => "dollars including the bonus",
      },
    ],
    asks: [(s) => `How many dollars does ${s.name} have in total?`],
  },
  {
    kind: "sub",
    from: "money",
    to: "money",
    exercises: ["money_and_budgets"],
    operand: (rng, value) => (value < 4 ? undefined : { operand: rng.int(1, Math.floor(value * 0.6)) }),
    wordings: [
      {
        say: (s, o) => `${He(s)} then spends ${money(o.operand)} on ${s.theme.supplies}.`,
        label: (s) => `dollars left after buying ${s.theme.supplies}`,
      },
      {
        say: (s, o) => `Rent for the ${s.theme.place} costs ${money(o.operand)}.`,
        label: () => "dollars left after rent",
      },
    ],
    asks: [(s) => `How many dollars does ${s.pronoun} have left?`],
  },
  {
    kind: "pct_keep",
    from: "money",
    to: "money",
    exercises: ["percentages", "money_and_budgets"],
    operand: exactPercent,
    wordings: [
      {
        say: (s, o) => `${He(s)} pays ${o.operand}% of that money in fees.`,
        label: () => "dollars after fees",
      },
      { say: (_s, o) => `${o.operand}% of it goes to tax.`, label: () => "dollars after tax" },
    ],
    asks: [(s) => `How many dollars does ${s.name} keep?`],
  },
  {
    kind: "share",
    from: "money",
    to: "money",
    terminal: true,
    exercises: ["money_and_budgets"],
    operand: (rng, value) => {
      const fits = Array.from({ length: 10 }, (_, i) => i + 3).filter(
        (k) => Number.isInteger(value) && value % k === 0,
      );
      return fits.length === 0 ? undefined : { operand: rng.pick(fits) };
    },
    wordings: [
      {
        say: (s, o) => `${He(s)} shares the money equally with ${o.operand - 1} partners.`,
        label: () => "dollars per person",
      },
    ],
    asks: [() => "How many dollars does each person get?"],
  },
];

export const OP_TEMPLATES: readonly OpTemplate[] = [...itemsOps, ...containerOps, ...moneyOps];
