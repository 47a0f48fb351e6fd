import { z } from "zod";

/**
 * Whether a run answers a model request it has already paid for from the response cache (keyed by the whole
 * request). Off unless asked: a generation run usually wants fresh samples.
 */
export const ResponseCacheConfig = z.strictObject({
  enabled: z.boolean().default(false).describe("answer repeated requests from the cache"),
  dir: z.string().max(4096).optional().describe("cache folder (default .nanoflux/cache/responses)"),
});
export type ResponseCacheConfig = z.infer<typeof ResponseCacheConfig>;
