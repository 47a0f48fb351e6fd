import { z } from "zod";

/** A licence id as the Hugging Face Hub writes it (apache-2.0, cc-by-4.0, mit, other): the one definition. */
export const LICENSE_ID = /^[a-z0-9][a-z0-9.+-]*$/;
export const LICENSE_ID_MAX_LENGTH = 100;

/**
 * How the finished dataset is published: what `nanoflux export` writes into the dataset card (licence, name,
 * description) and how it splits the samples. Nothing here changes what a run generates.
 */
export const DatasetConfig = z.strictObject({
  license: z
    .string()
    .max(LICENSE_ID_MAX_LENGTH)
    .regex(
      LICENSE_ID,
      "write the Hugging Face Hub's licence id, lower case, e.g. apache-2.0, cc-by-4.0, mit or other",
    )
    .optional()
    .describe(
      "the dataset's licence as the Hugging Face Hub names it (apache-2.0, cc-by-4.0, mit, other...); unset, the card says `license: unknown`",
    ),
  prettyName: z.string().max(200).optional().describe("the dataset's display name on the card"),
  description: z.string().max(4000).optional().describe("a paragraph for the card"),
  validation: z
    .number()
    .min(0)
    .lt(1)
    .optional()
    .describe("share of samples `nanoflux export` puts in a validation split (default 0: train only)"),
  splitSeed: z
    .number()
    .int()
    .optional()
    .describe("seed of the train/validation split (default 1); the same seed gives the same split"),
});
export type DatasetConfig = z.infer<typeof DatasetConfig>;
