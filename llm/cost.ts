import type { z } from "zod";
import type { Price } from "../config/topology.ts";
import type { TokenUsage } from "../protocol/schemas.ts";

/** USD cost of some usage at a model's price; a model without a price (a local server) costs nothing. */
export function costOf(
  usage: Pick<TokenUsage, "promptTokens" | "completionTokens">,
  price: z.infer<typeof Price> | undefined,
): number {
  if (!price) return 0;
  return (usage.promptTokens * price.inputPerMTok + usage.completionTokens * price.outputPerMTok) / 1_000_000;
}
