import { z } from "zod";

/** Where answers are kept unless the topology or `--cache-dir` names another folder (relative to the working directory). */
export const DEFAULT_RESPONSE_CACHE_DIR = ".nanoflux/cache/responses";

/**
 * Whether a run answers a model request it has already paid for from the response cache (keyed by the whole
 * request, llm/response-cache.ts). Off unless asked: a generation run usually wants fresh samples.
 */
export const ResponseCacheConfig = z.strictObject({
  enabled: z.boolean().default(false).describe("answer repeated requests from the cache"),
  dir: z
    .string()
    .min(1)
    .max(4096)
    .optional()
    .describe(`cache folder, relative to the working directory (default ${DEFAULT_RESPONSE_CACHE_DIR})`),
});
export type ResponseCacheConfig = z.infer<typeof ResponseCacheConfig>;
