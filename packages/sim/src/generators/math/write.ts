import { formatNumber } from "../../arithmetic.ts";
import type { Rng } from "../../random.ts";
import type { QuestionWriter } from "../spec.ts";
import type { ChainStep, MathChain, OpKind } from "./chain.ts";
import { applyStep, pythonCode, runChain, solutionLines } from "./chain.ts";
import { slippedValues } from "./slips.ts";
import { pickStory, type Story } from "./stories.ts";
import type { Operand, OpTemplate, Unit } from "./templates.ts";
import { OP_TEMPLATES, START_ASKS, START_WORDINGS, startOperands } from "./templates.ts";

/** GSM-Hard-style word problems with exactly `complexity` hops, composed from the hop templates. */

interface Hop {
  template: OpTemplate;
  operand: Operand;
}

function pickHop(rng: Rng, unit: Unit, value: number, last: boolean, previous: OpKind, skill: string): Hop {
  const wanted = skill.toLowerCase();
  const candidates: (readonly [Hop, number])[] = [];
  for (const template of OP_TEMPLATES) {
    if (template.from !== unit || (template.terminal && !last)) continue;
    const operand = template.operand(rng, value);
    if (!operand) continue;
    const matchesSkill = template.skills.some((word) => wanted.includes(word));
    const weight = (matchesSkill ? 4 : 1) * (template.kind === previous ? 0.3 : 1);
    candidates.push([{ template, operand }, weight]);
  }
  return rng.weighted(candidates);
}

function compose(
  rng: Rng,
  story: Story,
  hops: number,
  skill: string,
): { chain: MathChain; question: string } {
  const { perUnit, count } = startOperands(rng);
  const opening = rng.pick(START_WORDINGS);
  const sentences = [opening.say(story, perUnit, count)];
  const steps: ChainStep[] = [{ kind: "mul", operand: count, label: opening.label(story, count) }];
  let value = perUnit * count;
  let unit: Unit = "items";
  let asks = START_ASKS;
  for (let hop = 2; hop <= hops; hop++) {
    const { template, operand } = pickHop(rng, unit, value, hop === hops, steps.at(-1)?.kind ?? "mul", skill);
    const wording = rng.pick(template.wordings);
    sentences.push(wording.say(story, operand));
    const step: ChainStep = { kind: template.kind, ...operand, label: wording.label(story, operand) };
    steps.push(step);
    value = applyStep(step, value);
    unit = template.to;
    asks = template.asks;
  }
  sentences.push(rng.pick(asks)(story));
  const chain = { start: perUnit, startLabel: `${story.theme.items} per ${opening.per}`, steps };
  return { chain, question: sentences.join(" ") };
}

export const writeMathQuestion: QuestionWriter = (rng, spec, invalid) => {
  const hops = Math.min(5, Math.max(1, spec.complexity));
  const { chain, question } = compose(rng, pickStory(rng), hops, spec.skill);
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
  };
};
