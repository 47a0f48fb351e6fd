import type { Rng } from "../../random.ts";
import { atDepth, type ChoiceDraft } from "../choice.ts";

/**
 * Biostatistics: a screening test applied to a population, worked through its 2x2 table one cell at a time,
 * so a question `d` hops deep needs the d cells before its answer.
 */

const DISEASES = [
  "colorectal cancer",
  "latent tuberculosis",
  "hepatitis C",
  "type 2 diabetes",
  "chlamydia infection",
  "abdominal aortic aneurysm",
];

const count = (value: number) => String(Math.round(value));
const percent = (value: number) => `${Number((100 * value).toPrecision(3))}%`;

export function screeningQuestion(rng: Rng, hops: number): ChoiceDraft {
  const people = rng.pick([1000, 2000, 5000, 10_000, 20_000]);
  const prevalence = rng.pick([2, 4, 5, 10, 20]);
  const sensitivity = rng.pick([80, 85, 90, 95]);
  const specificity = rng.pick([85, 90, 95, 98]);
  const sick = (people * prevalence) / 100;
  const well = people - sick;
  const truePositives = Math.round((sick * sensitivity) / 100);
  const falsePositives = Math.round((well * (100 - specificity)) / 100);
  const positives = truePositives + falsePositives;
  const ppv = truePositives / positives;
  const setup = `A screening test for ${rng.pick(DISEASES)} with a sensitivity of ${sensitivity}% and a specificity of ${specificity}% is offered to ${people} people, of whom ${prevalence}% have the disease.`;
  const steps = {
    sick: `People with the disease: ${people} × ${prevalence}% = ${sick}`,
    truePositives: `True positives: ${sick} × ${sensitivity}% = ${truePositives}`,
    well: `People without the disease: ${people} - ${sick} = ${well}`,
    falsePositives: `False positives among the ${well} without it: ${well} × (100 - ${specificity})% = ${falsePositives}`,
    positives: `Positive tests: ${truePositives} + ${falsePositives} = ${positives}`,
    ppv: `Positive predictive value: ${truePositives} / ${positives} = ${percent(ppv)}`,
  };
  const levels = [
    {
      ask: "How many of them have the disease?",
      correct: count(sick),
      distractors: [well, people * prevalence, sick * 2, sick / 2].map(count),
      steps: [steps.sick],
    },
    {
      ask: "How many true positive results are expected?",
      correct: count(truePositives),
      distractors: [sick - truePositives, (people * sensitivity) / 100, sick, truePositives + 1].map(count),
      steps: [steps.sick, steps.truePositives],
    },
    {
      ask: "How many false positive results are expected?",
      correct: count(falsePositives),
      distractors: [(well * specificity) / 100, (people * (100 - specificity)) / 100, sick, well].map(count),
      steps: [steps.sick, steps.well, steps.falsePositives],
    },
    {
      ask: "How many positive results are expected in all?",
      correct: count(positives),
      distractors: [truePositives, falsePositives, sick, positives + sick - truePositives].map(count),
      steps: [steps.sick, steps.truePositives, steps.falsePositives, steps.positives],
    },
    {
      ask: "What is the probability that a person who tests positive has the disease?",
      correct: percent(ppv),
      distractors: [sensitivity / 100, specificity / 100, prevalence / 100, truePositives / people].map(
        percent,
      ),
      steps: [steps.sick, steps.truePositives, steps.falsePositives, steps.positives, steps.ppv],
    },
  ];
  const level = atDepth(levels, hops);
  return {
    question: `${setup} ${level.ask}`,
    correct: level.correct,
    distractors: level.distractors,
    steps: level.steps,
  };
}
