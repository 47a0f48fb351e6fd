import { formatNumber } from "../../arithmetic.ts";
import type { Rng } from "../../random.ts";
import { labelSkill, skillName } from "../skill-label.ts";
import type { QuestionWriter } from "../spec.ts";
import type { ChainStep, MathChain, OpKind } from "./chain.ts";
import { applyStep, pythonCode, runChain, solutionLines } from "./chain.ts";
import { MEASURE_TEMPLATES } from "./measures.ts";
import { OPENINGS, type Opening, STATEMENTS } from "./openings.ts";
import { MATH_SKILLS, type MathSkill } from "./skills.ts";
import { slippedValues } from "./slips.ts";
import { pickStory, type Story } from "./stories.ts";
import type { Operand, OpTemplate, Unit, Wording } from "./templates.ts";
import { OP_TEMPLATES } from "./templates.ts";

/**
 * GSM-Hard-style word problems with exactly `complexity` hops, composed from an opening and hop templates,
 * written for the skill asked for where a template exercises it and labelled with a skill the chain exercises.
 */

const TEMPLATES: readonly OpTemplate[] = [...OP_TEMPLATES, ...MEASURE_TEMPLATES];

/** Drafts tried for a chain that exercises the skill asked for, before settling for what the last one does. */
const MAX_DRAFTS = 30;

interface Hop {
  template: OpTemplate;
  operand: Operand;
}

interface Draft {
  chain: MathChain;
  question: string;
  /** The math skills the question exercises, most specific first. */
  exercised: readonly MathSkill[];
}

function offered(item: { onlyFor?: readonly MathSkill[] }, wanted: MathSkill | undefined): boolean {
  return item.onlyFor === undefined || (wanted !== undefined && item.onlyFor.includes(wanted));
}

/** Whether an opening or hop is on offer and exercises the skill asked for. */
function serves(item: Opening | OpTemplate, wanted: MathSkill | undefined): boolean {
  return wanted !== undefined && offered(item, wanted) && item.exercises.includes(wanted);
}

/** A hop that exercises the skill, or opens the way to one that does (minutes before hours). */
function leadsTo(template: OpTemplate, wanted: MathSkill | undefined): boolean {
  return wanted !== undefined && [...template.exercises, ...(template.onlyFor ?? [])].includes(wanted);
}

interface HopPlace {
  unit: Unit;
  value: number;
  last: boolean;
  previous: OpKind;
  /** Wordings the question has used: the same sentence twice in one question reads as a glitch. */
  said: ReadonlySet<Wording>;
  /** Only hops that exercise the skill: the one hop after a stated quantity must. */
  servingOnly: boolean;
}

function pickHop(rng: Rng, place: HopPlace, wanted: MathSkill | undefined): Hop {
  const candidates: (readonly [Hop, number])[] = [];
  for (const template of TEMPLATES) {
    if (template.from !== place.unit || (template.terminal && !place.last)) continue;
    if (!offered(template, wanted) || (place.servingOnly && !serves(template, wanted))) continue;
    const operand = template.operand(rng, place.value);
    if (!operand) continue;
    // Varying the operation never outweighs the skill asked for; repeating the very same hop is always rare.
    const weight =
      (leadsTo(template, wanted) ? 4 : template.kind === place.previous ? 0.3 : 1) *
      (template.wordings.every((wording) => place.said.has(wording)) ? 0.1 : 1);
    candidates.push([{ template, operand }, weight]);
  }
  return rng.weighted(candidates);
}

/** A one-hop question opens with a stated quantity when its one hop, not an opening, exercises the skill. */
function pickOpening(rng: Rng, hops: number, wanted: MathSkill | undefined): Opening {
  const fitting = OPENINGS.filter((opening) => serves(opening, wanted));
  if (fitting.length > 0) return rng.pick(fitting);
  const stated = STATEMENTS.filter((s) => TEMPLATES.some((t) => t.from === s.unit && serves(t, wanted)));
  if (hops === 1 && stated.length > 0) return rng.pick(stated);
  return rng.pick(OPENINGS.filter((opening) => opening.onlyFor === undefined));
}

function compose(rng: Rng, story: Story, hops: number, wanted: MathSkill | undefined): Draft {
  const opening = pickOpening(rng, hops, wanted);
  const drawn = opening.draw(rng, story);
  const sentences = [drawn.sentence];
  const steps: ChainStep[] = drawn.step ? [drawn.step] : [];
  const exercised = new Set<MathSkill>(opening.exercises);
  let value = drawn.step ? applyStep(drawn.step, drawn.start) : drawn.start;
  let unit = opening.unit;
  let asks = drawn.asks;
  const said = new Set<Wording>();
  while (steps.length < hops) {
    const place = {
      unit,
      value,
      last: steps.length === hops - 1,
      previous: steps.at(-1)?.kind ?? "mul",
      servingOnly: drawn.step === undefined && steps.length === 0,
      said,
    };
    const { template, operand } = pickHop(rng, place, wanted);
    const fresh = template.wordings.filter((w) => !said.has(w));
    const wording = rng.pick(fresh.length > 0 ? fresh : template.wordings);
    said.add(wording);
    sentences.push(wording.say(story, operand));
    const step: ChainStep = { kind: template.kind, ...operand, label: wording.label(story, operand) };
    steps.push(step);
    for (const skill of template.exercises) exercised.add(skill);
    value = applyStep(step, value);
    unit = template.to;
    asks = template.asks;
  }
  // Any chain of two or more hops, each feeding the next, is multi-step arithmetic.
  if (hops >= 2) exercised.add("multi_step_arithmetic");
  sentences.push(rng.pick(asks)(story));
  return {
    chain: { start: drawn.start, startLabel: drawn.startLabel, steps },
    question: sentences.join(" "),
    exercised: MATH_SKILLS.filter((skill) => exercised.has(skill)),
  };
}

export const writeMathQuestion: QuestionWriter = (rng, spec, invalid) => {
  const hops = Math.min(5, Math.max(1, spec.complexity));
  const wanted = MATH_SKILLS.find((skill) => skill === skillName(spec.skill));
  const story = pickStory(rng);
  // A hop that exercises the skill may not fit the values drawn (a percentage needs a round number): redraw.
  let draft = compose(rng, story, hops, wanted);
  for (let tries = 1; tries < MAX_DRAFTS && wanted && !draft.exercised.includes(wanted); tries++)
    draft = compose(rng, story, hops, wanted);
  const { chain, question } = draft;
  const truth = runChain(chain);
  const published = invalid ? slippedValues(rng, chain).values : truth;
  return {
    item: {
      kind: "numeric",
      question,
      hops,
      answer: truth.at(-1) ?? chain.start,
      referenceAnswer: formatNumber(published.at(-1) ?? chain.start),
      solutionSteps: solutionLines(chain, truth),
      python: pythonCode(chain),
      chain,
    },
    publishedSteps: solutionLines(chain, published),
    skill: labelSkill(spec.skill, draft.exercised),
  };
};
