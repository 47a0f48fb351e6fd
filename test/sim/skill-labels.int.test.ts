import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DomainPack, loadDomainPacks } from "../../domains/pack.ts";
import { type Simulator, startSimulator } from "../../packages/sim/src/server.ts";
import { ATTACKER_SCHEMA_NAME, AttackerOutput } from "../../protocol/role-outputs.ts";
import { client, jsonSchemaFormat, simConfig } from "./sim-fixtures.ts";
import { canWrite, fitsSkill } from "./skill-fit.ts";

const DOMAINS = ["math", "science", "medical"] as const;

describe("skill labels over HTTP", () => {
  let sim: Simulator;
  let packs: Map<string, DomainPack>;

  beforeAll(async () => {
    sim = await startSimulator(simConfig({ models: [{ name: "sim-attacker", skill: 0.8 }] }));
    packs = await loadDomainPacks(undefined, [...DOMAINS]);
  });
  afterAll(async () => {
    await sim.close();
  });

  it.each(DOMAINS)(
    "answers the shipped %s pack's Attacker prompt for each skill and complexity with a label the question shows",
    async (domain) => {
      const pack = packs.get(domain);
      if (!pack) throw new Error(`the ${domain} pack did not load`);
      const openai = client(sim.url);
      for (const { name: asked } of pack.skills) {
        for (const complexity of [1, 2, 3, 4, 5]) {
          const { system, user } = pack.render("attacker", { skill: asked, complexity });
          const completion = await openai.chat.completions.create({
            model: "sim-attacker",
            messages: [
              { role: "system", content: system },
              { role: "user", content: user },
            ],
            response_format: jsonSchemaFormat(ATTACKER_SCHEMA_NAME, AttackerOutput),
          });
          const question = AttackerOutput.parse(JSON.parse(completion.choices[0]?.message.content ?? ""));
          const context = `${domain} / asked ${asked} at complexity ${complexity}, labelled ${question.skill}: ${question.question}`;
          expect(
            pack.skills.map((skill) => skill.name),
            context,
          ).toContain(question.skill);
          expect(fitsSkill(domain, question), context).toBe(true);
          if (canWrite(domain, asked, complexity)) expect(question.skill, context).toBe(asked);
        }
      }
    },
  );
});
