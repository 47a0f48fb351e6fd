import { z } from "zod";
import { DEFAULT_DIMENSIONS, embedText, toBase64 } from "./embedding.ts";
import { BadRequestError, readJson, sendJson } from "./http.ts";
import type { RouteCall, RouteModule, SimContext } from "./routes.ts";
import { countTokens } from "./text.ts";

/** POST /v1/embeddings, deterministic hashed n-gram vectors; `dimensions` and base64 encoding honoured. */

const EmbeddingRequest = z.object({
  model: z.string().min(1),
  input: z.union([
    z.string(),
    z.array(z.string()),
    z.array(z.number().int()),
    z.array(z.array(z.number().int())),
  ]),
  dimensions: z.number().int().positive().max(8192).nullish(),
  encoding_format: z.enum(["float", "base64"]).nullish(),
});

/** Token-id inputs are embedded as their ids' text: stable, if meaningless. */
function inputTexts(input: z.infer<typeof EmbeddingRequest>["input"]): string[] {
  if (typeof input === "string") return [input];
  if (input.every((entry) => typeof entry === "number")) return [input.join(" ")];
  return input.map((entry) => (typeof entry === "string" ? entry : entry.join(" ")));
}

async function embed(sim: SimContext, call: RouteCall): Promise<void> {
  const parsed = EmbeddingRequest.safeParse(await readJson(call.req));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadRequestError(
      `Invalid embeddings request: ${issue?.path.join(".")}: ${issue?.message}`,
      issue?.path.join(".") ?? null,
    );
  }
  const { model, input, dimensions, encoding_format } = parsed.data;
  const texts = inputTexts(input);
  const tokens = texts.reduce((sum, text) => sum + countTokens(text), 0);
  sim.stats.served(model, "embedding", tokens, 0);
  const data = texts.map((text, index) => {
    const vector = embedText(text, dimensions ?? DEFAULT_DIMENSIONS);
    return {
      object: "embedding",
      index,
      embedding: encoding_format === "base64" ? toBase64(vector) : vector,
    };
  });
  sendJson(call.res, 200, {
    object: "list",
    data,
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

export const embeddingRoutes: RouteModule = (sim) => [
  { method: "POST", path: "/v1/embeddings", servesModel: true, handle: (call) => embed(sim, call) },
];
