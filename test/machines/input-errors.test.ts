import { describe, expect, it } from "vitest";
import { createActor, fromPromise, toPromise } from "xstate";
import { attackerMachine, type GeneratedQuestion } from "../../machines/attacker.ts";
import { defenderMachine, type GivenAnswer } from "../../machines/defender.ts";
import { ConfigError, ModelError } from "../../protocol/errors.ts";
import type { RoundClosed } from "../../protocol/messages.ts";
import { AT, questionScreened, roundOpened } from "../support/fixtures.ts";

/** An actor that fails every call with `error`, counting the calls. */
function failing<T>(error: Error) {
  let calls = 0;
  // biome-ignore lint/suspicious/noExplicitAny: a failing fake ignores its input, so it fits any actor slot
  const actor = fromPromise<T, any>(async () => {
    calls += 1;
    throw error;
  });
  return { actor, calls: () => calls };
}

async function closedBy(machine: typeof attackerMachine | typeof defenderMachine, message: unknown) {
  const actor = createActor(machine as typeof attackerMachine, {
    input: { message: message as never, now: AT, producer: "t", maxAttempts: 3 },
  });
  actor.start();
  const out = await toPromise(actor);
  return out.emit[0]?.message as RoundClosed;
}

// A second answer cannot fix a wrong key or an unknown model: the round fails at once, with the setting's error.
describe("a stage whose model call fails for a setting", () => {
  it("the attacker does not try again on a rejected key", async () => {
    const generate = failing<GeneratedQuestion>(
      new ConfigError("401 from the endpoint: check the key", { code: "MODEL_AUTH" }),
    );
    const closed = await closedBy(
      attackerMachine.provide({ actors: { generateQuestion: generate.actor } }),
      roundOpened(),
    );
    expect(generate.calls()).toBe(1);
    expect(closed.status).toBe("failed");
    expect(closed.reason).toContain("check the key");
  });

  it("the defender does not try again on an unknown model, but does on an unusable answer", async () => {
    const unknown = failing<GivenAnswer>(new ConfigError("404: no such model", { code: "MODEL_NOT_FOUND" }));
    await closedBy(
      defenderMachine.provide({ actors: { answerQuestion: unknown.actor } }),
      questionScreened(),
    );
    expect(unknown.calls()).toBe(1);
    const garbled = failing<GivenAnswer>(new ModelError("not JSON", { code: "MODEL_MALFORMED" }));
    await closedBy(
      defenderMachine.provide({ actors: { answerQuestion: garbled.actor } }),
      questionScreened(),
    );
    expect(garbled.calls()).toBe(3);
  });
});
