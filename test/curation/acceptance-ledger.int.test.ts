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

  it("never holds more than the target when replicas claim at once", async () => {
    const ledgers = buses.map((bus) => new AcceptanceLedger(bus.state, "run-race", 5));
    const claims = await Promise.all(
      Array.from({ length: 12 }, (_, i) => ledgers[i % 2]?.claim(`r${i}`, 1 + (i % 3), "math")),
    );
    const claimed = claims.filter((c) => c?.claimed);
    expect(claimed).toHaveLength(5);
    expect(claims.filter((c) => c && !c.claimed && c.reason === "target_reached")).toHaveLength(7);
    const standing = await ledgers[0]?.standing("r0");
    expect(standing?.counts.total).toBe(5);
    expect(standing?.counts.byDomain).toEqual({ math: 5 });
  });

  it("answers a redelivered round it already holds with its standing, without counting it twice", async () => {
    const [first, second] = buses.map((bus) => new AcceptanceLedger(bus.state, "run-redelivery", 2));
    if (!first || !second) throw new Error("two ledgers expected");
    expect(await first.claim("r1", 2, "math")).toMatchObject({ claimed: true, counts: { total: 1 } });
    expect(await second.standing("r1")).toMatchObject({ claimed: true, counts: { total: 1 } });
    expect(await second.standing("r2")).toMatchObject({ claimed: false });
    expect(await second.claim("r1", 2, "math")).toMatchObject({ claimed: true, counts: { total: 1 } });
    expect(await second.claim("r2", 3, "math")).toMatchObject({ claimed: true, counts: { total: 2 } });
    // Full: a new round is refused, a round already held is still answered as claimed.
    expect(await first.claim("r3", 1, "math")).toEqual({ claimed: false, reason: "target_reached" });
    expect(await first.claim("r2", 3, "math")).toMatchObject({ claimed: true });
  });

  it("gives a released place to the next round", async () => {
    const ledger = new AcceptanceLedger(buses[0]?.state as Bus["state"], "run-release", 1);
    expect(await ledger.claim("r1", 2, "math")).toMatchObject({ claimed: true });
    expect(await ledger.claim("r2", 2, "math")).toEqual({ claimed: false, reason: "target_reached" });
    await ledger.release("r1");
    await ledger.release("r1");
    expect(await ledger.standing("r1")).toMatchObject({ claimed: false, counts: { total: 0 } });
    expect(await ledger.claim("r2", 2, "math")).toMatchObject({ claimed: true, counts: { total: 1 } });
  });
});
