import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type DomainPack, loadDomainPacks } from "../../domains/pack.ts";
import { ChatRequest, readConversation } from "../../packages/sim/src/chat/request.ts";
import { planRole, play } from "../../packages/sim/src/chat/roles.ts";
import { MATH_SKILLS } from "../../packages/sim/src/generators/math/skills.ts";
import { MEDICAL_SKILLS } from "../../packages/sim/src/generators/medical/skills.ts";
import { SCIENCE_SKILLS } from "../../packages/sim/src/generators/science/skills.ts";
import { QuestionRegistry } from "../../packages/sim/src/items/registry.ts";
import { Rng } from "../../packages/sim/src/random.ts";
import { ATTACKER_SCHEMA_NAME, AttackerOutput } from "../../protocol/role-outputs.ts";
import { jsonSchemaFormat } from "./sim-fixtures.ts";
import { canWrite, fitsSkill } from "./skill-fit.ts";

const DOMAINS = ["math", "science", "medical"] as const;
const COMPLEXITIES = [1, 2, 3, 4, 5];
/** Draws of each prompt: rounds of one skill and complexity send the same prompt again and again. */
const DRAWS = 12;

let packs: Map<string, DomainPack>;
beforeAll(async () => {
  packs = await loadDomainPacks(undefined, [...DOMAINS]);
});

function packOf(domain: string): DomainPack {
  const pack = packs.get(domain);
  if (!pack) throw new Error(`the ${domain} pack did not load`);
  return pack;
}

/** The Attacker's raw JSON answer to a prompt, dispatched as the chat route dispatches it. */
function reply(system: string, user: string, draw: number): Record<string, unknown> {
  const request = ChatRequest.parse({
    model: "sim-attacker",
    messages: [
      { role: "system", content: system },
      { role: "user", content: user },
    ],
    response_format: jsonSchemaFormat(ATTACKER_SCHEMA_NAME, AttackerOutput),
  });
  const conversation = readConversation(request);
  const played = play(planRole(request, conversation), {
    request,
    conversation,
    skill: 0.8,
    seed: 7,
    rng: Rng.of(7, request.model, JSON.stringify(request.messages), draw),
    registry: new QuestionRegistry(),
  });
  return z.record(z.string(), z.unknown()).parse(JSON.parse(played.content ?? ""));
}

/** The Attacker's `draw`th answer to the shipped pack's prompt for a skill and complexity. */
function attack(domain: string, skill: string, complexity: number, draw: number): AttackerOutput {
  const { system, user } = packOf(domain).render("attacker", { skill, complexity });
  return AttackerOutput.parse(reply(system, user, draw));
}

function answers(domain: string, skill: string): { complexity: number; question: AttackerOutput }[] {
  return COMPLEXITIES.flatMap((complexity) =>
    Array.from({ length: DRAWS }, (_, draw) => ({
      complexity,
      question: attack(domain, skill, complexity, draw),
    })),
  );
}

describe("the simulated Attacker's skill labels", () => {
  it("knows exactly the skills of the shipped math, science and medical packs", () => {
    const names = (domain: string) => packOf(domain).skills.map((skill) => skill.name);
    expect([...MATH_SKILLS].sort()).toEqual(names("math").sort());
    expect([...SCIENCE_SKILLS].sort()).toEqual(names("science").sort());
    expect([...MEDICAL_SKILLS].sort()).toEqual(names("medical").sort());
  });

  it.each(DOMAINS)(
    "labels every %s question with one of the pack's skills that its text shows, the one asked for wherever it can",
    (domain) => {
      const skills = packOf(domain).skills.map((skill) => skill.name);
      for (const asked of skills) {
        for (const { complexity, question } of answers(domain, asked)) {
          const context = `${domain} / asked ${asked} at complexity ${complexity}, labelled ${question.skill}: ${question.question}`;
          expect(skills, context).toContain(question.skill);
          expect(fitsSkill(domain, question), context).toBe(true);
          if (canWrite(domain, asked, complexity)) expect(question.skill, context).toBe(asked);
          else expect(question.skill, context).not.toBe(asked);
          expect(question.hops, context).toBeLessThanOrEqual(complexity);
        }
      }
    },
  );

  it("never labels a money-splitting question time_and_schedules, whatever skill the prompt asked for", () => {
    const splits = MATH_SKILLS.flatMap((skill) => answers("math", skill)).filter(({ question }) =>
      /shares the money equally/.test(question.question),
    );
    expect(splits.length).toBeGreaterThan(10);
    for (const { question } of splits) {
      expect(question.skill, question.question).not.toBe("time_and_schedules");
      expect(fitsSkill("math", question), question.question).toBe(true);
    }
  });

  it("labels a prompt whose skill it does not know, or that names none, with a skill the question exercises", () => {
    for (const domain of DOMAINS) {
      const skills = packOf(domain).skills.map((skill) => skill.name);
      const known = skills[0] ?? "";
      for (const complexity of COMPLEXITIES) {
        const { system, user } = packOf(domain).render("attacker", { skill: known, complexity });
        const unknown = (text: string) => text.replaceAll(known, "word_problems");
        const unnamed = (text: string) => text.replace(/^Skill:.*\n/m, "");
        for (const [asked, edit] of [
          ["word_problems", unknown],
          ["", unnamed],
        ] as const) {
          const question = AttackerOutput.parse(reply(edit(system), edit(user), 0));
          const context = `${domain} / asked "${asked}" at complexity ${complexity}: ${question.question}`;
          expect(skills, context).toContain(question.skill);
          expect(fitsSkill(domain, question), context).toBe(true);
        }
      }
    }
  });

  it("answers with the output schema's fields and nothing else, as a real model does", () => {
    const { system, user } = packOf("math").render("attacker", { skill: "averages", complexity: 3 });
    expect(Object.keys(reply(system, user, 0)).sort()).toEqual(Object.keys(AttackerOutput.shape).sort());
  });
});
