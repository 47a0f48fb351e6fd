import { z } from "zod";

/**
 * How the finished dataset is published: what `nanoflux export` writes into the dataset card (licence, name,
 * description) and how it splits the samples. Nothing here changes what a run generates.
 */
export const DatasetConfig = z.strictObject({
  license: z
    .string()
    .max(100)
    .optional()
    .describe(
      "the dataset's licence as the Hugging Face Hub names it (apache-2.0, cc-by-4.0, mit, other...)",
    ),
  prettyName: z.string().max(200).optional().describe("the dataset's display name on the card"),
  description: z.string().max(4000).optional().describe("a paragraph for the card"),
});
export type DatasetConfig = z.infer<typeof DatasetConfig>;
