import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AcceptanceLedger } from "../../agents/curator/acceptance-ledger.ts";
import { Bus } from "../../bus/bus.ts";
import { silentLogger } from "../../log/logger.ts";
import { startTestNats } from "../support/nats.ts";

describe("the acceptance ledger in the state bucket", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let buses: Bus[];

  beforeAll(async () => {
    nats = await startTestNats();
    // Two connections, as two curator replicas on different hosts would have.
    buses = await Promise.all(
      ["curator-a", "curator-b"].map((name) => Bus.open({ servers: nats.url, name, logger: silentLogger() })),
    );
  });

  afterAll(async () => {
    await Promise.all(buses.map((bus) => bus.close()));
    await nats.cleanup();
  });

  it("counts every round claimed by replicas at once exactly once", async () => {
    const ledgers = buses.map((bus) => new AcceptanceLedger(bus.state, "run-race"));
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => ledgers[i % 2]?.claim(`r${i}`, 1 + (i % 3), "math")),
    );
    // A redelivery racing its first claim changes nothing.
    await Promise.all(
      Array.from({ length: 4 }, (_, i) => ledgers[(i + 1) % 2]?.claim(`r${i}`, 1 + (i % 3), "math")),
    );
    const standing = await ledgers[0]?.standing("r0");
    expect(standing?.counts.total).toBe(12);
    expect(standing?.counts.byDomain).toEqual({ math: 12 });
    expect(standing?.counts.byComplexity).toEqual({ 1: 4, 2: 4, 3: 4 });
  });

  it("answers a redelivered round it already holds with its standing, without counting it twice", async () => {
    const [first, second] = buses.map((bus) => new AcceptanceLedger(bus.state, "run-redelivery"));
    if (!first || !second) throw new Error("two ledgers expected");
    expect(await first.claim("r1", 2, "math")).toMatchObject({ total: 1 });
    expect(await second.standing("r1")).toMatchObject({ claimed: true, counts: { total: 1 } });
    expect(await second.standing("r2")).toMatchObject({ claimed: false });
    expect(await second.claim("r1", 2, "math")).toMatchObject({ total: 1 });
    expect(await second.claim("r2", 3, "math")).toMatchObject({ total: 2 });
  });

  it("forgets a released round", async () => {
    const ledger = new AcceptanceLedger(buses[0]?.state as Bus["state"], "run-release");
    expect(await ledger.claim("r1", 2, "math")).toMatchObject({ total: 1 });
    await ledger.release("r1");
    await ledger.release("r1");
    expect(await ledger.standing("r1")).toMatchObject({ claimed: false, counts: { total: 0 } });
    expect(await ledger.claim("r2", 2, "math")).toMatchObject({ total: 1 });
  });
});
