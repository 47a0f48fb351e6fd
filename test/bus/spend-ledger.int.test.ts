import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bus } from "../../bus/bus.ts";
import { readRunEvents } from "../../bus/run-events.ts";
import { committedSpend, RunSpendLedger } from "../../bus/spend-ledger.ts";
import { silentLogger } from "../../log/logger.ts";
import { BudgetExceededError } from "../../protocol/errors.ts";
import { startTestNats } from "../support/nats.ts";

const PRICES = new Map([["alpha", { inputPerMTok: 1, outputPerMTok: 4 }]]);

describe("the run's spend ledger on the bus", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let buses: Bus[];

  beforeAll(async () => {
    nats = await startTestNats();
    // Two connections, as two agent processes on different hosts would have.
    buses = await Promise.all(
      ["host-a", "host-b"].map((name) => Bus.open({ servers: nats.url, name, logger: silentLogger() })),
    );
  });

  afterAll(async () => {
    await Promise.all(buses.map((bus) => bus.close()));
    await nats.cleanup();
  });

  function ledgers(runId: string, budget?: { tokens?: number; usd?: number }) {
    return buses.map((bus) => new RunSpendLedger({ bus, runId, budget, prices: PRICES }));
  }

  it("admits concurrent reserves from two processes only while they fit, and frees what a call did not use", async () => {
    const runId = "run-budget";
    const [a, b] = ledgers(runId, { tokens: 10_000 });
    if (!a || !b) throw new Error("two ledgers expected");
    const worst = { promptTokens: 1000, completionTokens: 1000 };
    const attempts = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).reserve({ model: "alpha", role: "judge" }, worst)),
    );
    const held = attempts.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const refused = attempts.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    // 2,000 tokens each: five fit in 10,000, three are refused before anything is sent.
    expect(held).toHaveLength(5);
    expect(refused).toHaveLength(3);
    for (const reason of refused) expect(reason).toBeInstanceOf(BudgetExceededError);
    expect(await committedSpend(buses[0]?.state as Bus["state"], runId)).toMatchObject({ tokens: 10_000 });

    // Each call used 300 tokens of its 2,000: settling frees the rest, so new calls fit again.
    await Promise.all(held.map((r) => r.settle({ promptTokens: 200, completionTokens: 100 })));
    expect(await committedSpend(buses[1]?.state as Bus["state"], runId)).toMatchObject({ tokens: 1500 });
    const again = await a.reserve({ model: "alpha", role: "judge" }, worst);
    await again.settle(undefined);
    // Settling twice (a retry whose first write landed unseen) adds nothing.
    await again.settle({ promptTokens: 999, completionTokens: 999 });
    expect((await committedSpend(buses[0]?.state as Bus["state"], runId)).tokens).toBe(1500);
  });

  it("refuses a reserve the money budget cannot cover, pricing it at the model's price", async () => {
    const [a] = ledgers("run-money", { usd: 0.01 });
    const charge = { model: "alpha", role: "attacker" };
    // 1,000 in at $1/M and 2,000 out at $4/M: $0.009.
    const first = await a?.reserve(charge, { promptTokens: 1000, completionTokens: 2000 });
    await expect(a?.reserve(charge, { promptTokens: 2000, completionTokens: 0 })).rejects.toThrow(
      /budget of \$0.01 reached/,
    );
    await first?.settle({ promptTokens: 1000, completionTokens: 100 });
    expect((await committedSpend(buses[0]?.state as Bus["state"], "run-money")).usd).toBeCloseTo(0.0014, 9);
  });

  it("records every billed call on the run's stream, against its model, role and round, budget or not", async () => {
    const runId = "run-books";
    const [a, b] = ledgers(runId);
    if (!a || !b) throw new Error("two ledgers expected");
    expect(a.bounded).toBe(false);
    const calls = [
      {
        ledger: a,
        charge: { model: "alpha", role: "attacker", roundId: "r000001" },
        billed: { promptTokens: 120, completionTokens: 30 },
      },
      {
        ledger: b,
        charge: { model: "alpha", role: "judge", roundId: "r000001" },
        billed: { promptTokens: 300, completionTokens: 0 },
      },
      { ledger: b, charge: { model: "beta", role: "eval" }, billed: undefined },
    ];
    for (const call of calls)
      await (await call.ledger.reserve(call.charge, { promptTokens: 1, completionTokens: 1 })).settle(
        call.billed,
      );
    const recorded = (await readRunEvents(buses[0]?.js as Bus["js"], runId)).map((r) => r.event);
    expect(recorded).toEqual([
      expect.objectContaining({
        type: "usage.recorded.v1",
        model: "alpha",
        role: "attacker",
        roundId: "r000001",
        promptTokens: 120,
        completionTokens: 30,
        costUsd: 0.00024,
      }),
      expect.objectContaining({
        type: "usage.recorded.v1",
        model: "alpha",
        role: "judge",
        roundId: "r000001",
        promptTokens: 300,
        completionTokens: 0,
      }),
    ]);
  });
});
