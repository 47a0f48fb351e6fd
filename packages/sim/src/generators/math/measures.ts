import type { OpTemplate } from "./templates.ts";
import { He, portion } from "./templates.ts";

/**
 * Hops for the skills the shop-floor hops do not reach: time, unit conversion, averages, floor area and counting
 * choices. Each is offered only when its skill is asked for (or it follows one that was), so questions for the
 * other skills keep the mix of hops they always had.
 */

const timeOps: readonly OpTemplate[] = [
  {
    kind: "mul",
    from: "items",
    to: "minutes",
    exercises: ["time_and_schedules"],
    onlyFor: ["time_and_schedules", "unit_conversion"],
    operand: (rng) => ({ operand: rng.int(2, 15) }),
    wordings: [
      {
        say: (s, o) => `Wrapping each ${s.theme.item} for sale takes ${o.operand} minutes.`,
        label: (s) => `minutes spent wrapping the ${s.theme.items}`,
      },
      {
        say: (s, o) => `${He(s)} spends ${o.operand} minutes checking each ${s.theme.item}.`,
        label: (s) => `minutes spent checking the ${s.theme.items}`,
      },
    ],
    asks: [(s) => `How many minutes of work is that for ${s.name}?`],
  },
  {
    kind: "add",
    from: "minutes",
    to: "minutes",
    exercises: ["time_and_schedules"],
    operand: (rng) => ({ operand: rng.int(15, 240) }),
    wordings: [
      {
        say: (_s, o) => `Setting up and clearing away add another ${o.operand} minutes.`,
        label: () => "minutes including setting up",
      },
      {
        say: (s, o) => `A safety briefing at the ${s.theme.place} takes a further ${o.operand} minutes.`,
        label: () => "minutes including the briefing",
      },
    ],
    asks: [() => "How many minutes does the whole job take?"],
  },
  {
    kind: "sub",
    from: "minutes",
    to: "minutes",
    exercises: ["time_and_schedules"],
    operand: portion,
    wordings: [
      {
        say: (s, o) => `${s.friend} helps and takes ${o.operand} of those minutes off ${s.possessive} hands.`,
        label: (s) => `minutes of work left for ${s.name}`,
      },
    ],
    asks: [(s) => `How many minutes of work are left for ${s.name}?`],
  },
  {
    kind: "div",
    from: "minutes",
    to: "hours",
    terminal: true,
    exercises: ["unit_conversion", "time_and_schedules"],
    operand: () => ({ operand: 60 }),
    wordings: [
      {
        say: (s) => `${He(s)} records all of that time in hours on ${s.possessive} timesheet.`,
        label: () => "hours on the timesheet",
      },
    ],
    asks: [() => "How many hours does the timesheet show?"],
  },
];

/** Masses of one item, in grams. */
const GRAMS = [120, 150, 180, 225, 250, 340, 450, 500, 750];

const conversionOps: readonly OpTemplate[] = [
  {
    kind: "mul",
    from: "items",
    to: "kilograms",
    terminal: true,
    exercises: ["unit_conversion"],
    onlyFor: ["unit_conversion"],
    // The operand is the mass in kilograms: converting the grams is the hop's other half.
    operand: (rng) => ({ operand: rng.pick(GRAMS) / 1000 }),
    wordings: [
      {
        say: (s, o) => `Each ${s.theme.item} weighs ${Math.round(o.operand * 1000)} grams.`,
        label: (s) => `kilograms of ${s.theme.items}`,
      },
    ],
    asks: [(s) => `What is the total mass of the ${s.theme.items}, in kilograms?`],
  },
  {
    kind: "mul",
    from: "money",
    to: "euros",
    terminal: true,
    exercises: ["unit_conversion", "money_and_budgets"],
    onlyFor: ["unit_conversion"],
    operand: (rng) => ({ operand: rng.pick([0.85, 0.88, 0.9, 0.92, 0.95]) }),
    wordings: [
      {
        say: (s, o) => `${He(s)} changes all of it into euros at ${o.operand} euros per dollar.`,
        label: () => "euros after changing the dollars",
      },
    ],
    asks: [(s) => `How many euros does ${s.name} get?`],
  },
];

const averageOps: readonly OpTemplate[] = [
  {
    kind: "div",
    from: "items",
    to: "items",
    terminal: true,
    exercises: ["averages"],
    onlyFor: ["averages"],
    operand: (rng) => ({ operand: rng.int(3, 12) }),
    wordings: [
      {
        say: (s, o) => `${He(s)} sells all of them at a market that runs for ${o.operand} days.`,
        label: () => "average sold per market day",
      },
    ],
    asks: [(s) => `On average, how many ${s.theme.items} does ${s.name} sell per market day?`],
  },
  {
    kind: "div",
    from: "money",
    to: "money",
    terminal: true,
    exercises: ["averages", "money_and_budgets"],
    onlyFor: ["averages"],
    operand: (rng) => ({ operand: rng.int(3, 12) }),
    wordings: [
      {
        say: (_s, o) => `That money is what the business took over the last ${o.operand} months.`,
        label: () => "average dollars per month",
      },
    ],
    asks: [() => "On average, how many dollars did the business take per month?"],
  },
];

const areaOps: readonly OpTemplate[] = [
  {
    kind: "sub",
    from: "area",
    to: "area",
    exercises: ["measurement_geometry"],
    operand: portion,
    wordings: [
      {
        say: (_s, o) => `A walkway taking up ${o.operand} square metres of the floor must stay clear.`,
        label: () => "square metres of floor free for storage",
      },
    ],
    asks: [() => "How many square metres of floor are free for storage?"],
  },
  {
    kind: "mul",
    from: "area",
    to: "items",
    exercises: ["measurement_geometry"],
    operand: (rng) => ({ operand: rng.int(2, 12) }),
    wordings: [
      {
        say: (s, o) =>
          `Every square metre used holds ${o.operand} ${s.theme.items}, and ${s.pronoun} fills it completely.`,
        label: (s) => `${s.theme.items} stored in the room`,
      },
    ],
    asks: [(s) => `How many ${s.theme.items} does the storeroom hold?`],
  },
];

const choiceOps: readonly OpTemplate[] = [
  {
    kind: "mul",
    from: "choices",
    to: "choices",
    exercises: ["combinatorics_lite"],
    operand: (rng) => ({ operand: rng.int(2, 8) }),
    wordings: [
      {
        say: (_s, o) => `Each gift is also tied with a ribbon in one of ${o.operand} colours.`,
        label: () => "different gifts with a ribbon",
      },
      {
        say: (_s, o) => `Each gift also carries a card with one of ${o.operand} printed messages.`,
        label: () => "different gifts with a card",
      },
    ],
    asks: [() => "How many different gifts are possible?"],
  },
  {
    kind: "sub",
    from: "choices",
    to: "choices",
    exercises: ["combinatorics_lite"],
    operand: portion,
    wordings: [
      {
        say: (_s, o) => `${o.operand} of these combinations are ruled out because their colours clash.`,
        label: () => "different gifts still allowed",
      },
      {
        say: (_s, o) => `${o.operand} of the combinations have already been sold out for the season.`,
        label: () => "different gifts still on offer",
      },
    ],
    asks: [() => "How many different gifts can still be made?"],
  },
  {
    kind: "mul",
    from: "choices",
    to: "items",
    exercises: [],
    operand: (rng) => ({ operand: rng.int(2, 9) }),
    wordings: [
      {
        say: (s, o) =>
          `${He(s)} makes ${o.operand} of every possible gift, with one ${s.theme.item} in each.`,
        label: (s) => `${s.theme.items} needed for the gifts`,
      },
    ],
    asks: [(s) => `How many ${s.theme.items} does ${s.pronoun} need for the gifts?`],
  },
];

export const MEASURE_TEMPLATES: readonly OpTemplate[] = [
  ...timeOps,
  ...conversionOps,
  ...averageOps,
  ...areaOps,
  ...choiceOps,
];
