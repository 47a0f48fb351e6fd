import type { z } from "zod";
import { API, DashboardUpdate, RoundDetail } from "../wire.ts";

/** The page's two inbound channels, each message checked against the same schema the server wrote it with. */

function parseJson<T>(
  text: string,
  schema: z.ZodType<T>,
): { ok: true; value: T } | { ok: false; problem: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: `not JSON: ${String(err)}` };
  }
  const parsed = schema.safeParse(data);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, problem: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
}

export interface LiveHandlers {
  update(update: DashboardUpdate): void;
  connection(state: "live" | "reconnecting"): void;
  problem(message: string): void;
}

/** Follows the server's update stream; EventSource reconnects by itself when the server comes back. */
export function followUpdates(handlers: LiveHandlers): EventSource {
  const source = new EventSource(API.events);
  source.onopen = () => handlers.connection("live");
  source.onerror = () => handlers.connection("reconnecting");
  source.onmessage = (message: MessageEvent<string>) => {
    const parsed = parseJson(message.data, DashboardUpdate);
    if (parsed.ok) handlers.update(parsed.value);
    else
      handlers.problem(`ignored an update the page does not understand (${parsed.problem}); reload the page`);
  };
  return source;
}

export async function fetchRound(runId: string, roundId: string): Promise<RoundDetail> {
  const response = await fetch(API.round(runId, roundId), { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`round ${roundId}: the server answered ${response.status}`);
  const parsed = parseJson(await response.text(), RoundDetail);
  if (!parsed.ok) throw new Error(`round ${roundId}: unexpected data (${parsed.problem})`);
  return parsed.value;
}
