import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../packages/sim/src/server.ts";
import {
  ATTACKER_SCHEMA_NAME,
  AttackerOutput,
  DEFENDER_SCHEMA_NAME,
  DefenderOutput,
} from "../../protocol/role-outputs.ts";
import { attackerPrompt, client, defenderPrompt, jsonSchemaFormat, simConfig } from "./sim-fixtures.ts";

/** What a short session of attacker and defender calls returns, as text. */
async function session(sim: Simulator): Promise<string[]> {
  const openai = client(sim.url);
  const outputs: string[] = [];
  for (const round of ["r1", "r2", "r3"]) {
    const attack = await openai.chat.completions.create({
      model: "attacker-model",
      messages: [{ role: "user", content: attackerPrompt(round, 3) }],
      response_format: jsonSchemaFormat(ATTACKER_SCHEMA_NAME, AttackerOutput),
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
    for (const seed of [7, 7, 8]) sims.push(await startSimulator(simConfig({ seed })));
  });
  afterAll(async () => {
    await Promise.all(sims.map((sim) => sim.close()));
  });

  it("gives the same outputs for the same seed and requests, and different ones for another seed", async () => {
    const [first, again, other] = await Promise.all(sims.map(session));
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    expect(new Set(first).size).toBe(first?.length);
  });
});
