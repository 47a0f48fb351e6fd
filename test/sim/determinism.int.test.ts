import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../packages/sim/src/server.ts";
import {
  ATTACKER_SCHEMA_NAME,
  AttackerOutput,
  DEFENDER_SCHEMA_NAME,
  DefenderOutput,
} from "../../protocol/role-outputs.ts";
import { attackerPrompt, client, defenderPrompt, jsonSchemaFormat, simConfig } from "./sim-fixtures.ts";

/**
 * What a short session of attacker and defender calls returns, as text. The three rounds send the Attacker the
 * same prompt, as a run does for rounds of one skill and complexity: nothing in a prompt names its round.
 */
async function session(sim: Simulator, temperature?: number): Promise<string[]> {
  const openai = client(sim.url);
  const outputs: string[] = [];
  for (let round = 0; round < 3; round++) {
    const attack = await openai.chat.completions.create({
      model: "attacker-model",
      messages: [{ role: "user", content: attackerPrompt(3) }],
      response_format: jsonSchemaFormat(ATTACKER_SCHEMA_NAME, AttackerOutput),
      ...(temperature === undefined ? {} : { temperature }),
    });
    const question = AttackerOutput.parse(JSON.parse(attack.choices[0]?.message.content ?? ""));
    const defense = await openai.chat.completions.create({
      model: "defender-model",
      messages: [{ role: "user", content: defenderPrompt(question) }],
      response_format: jsonSchemaFormat(DEFENDER_SCHEMA_NAME, DefenderOutput),
    });
    outputs.push(attack.choices[0]?.message.content ?? "", defense.choices[0]?.message.content ?? "");
  }
  return outputs;
}

describe("determinism", () => {
  const sims: Simulator[] = [];
  beforeAll(async () => {
    for (const seed of [7, 7, 8, 7]) sims.push(await startSimulator(simConfig({ seed })));
  });
  afterAll(async () => {
    await Promise.all(sims.map((sim) => sim.close()));
  });

  it("gives the same outputs for the same seed and requests, and different ones for another seed", async () => {
    const [first, again, other] = await Promise.all(sims.slice(0, 3).map((sim) => session(sim)));
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    // A repeated prompt is sampled afresh: three rounds, three questions (and three answers).
    expect(new Set(first).size).toBe(first?.length);
  });

  it("answers a repeated prompt the same way every time at temperature 0, as greedy decoding does", async () => {
    const greedy = await session(sims[3] as Simulator, 0);
    const attacks = greedy.filter((_, i) => i % 2 === 0);
    expect(new Set(attacks).size).toBe(1);
    expect(attacks).toHaveLength(3);
  });
});
