import { expect, test } from "vitest";
import { createLocalEmbedder } from "../../curation/embedders/local-use.ts";
import { dot } from "../../curation/vectors.ts";
import { describeEmbedderSpec } from "./support/embedder-spec.ts";

describeEmbedderSpec("local Universal Sentence Encoder", async () => createLocalEmbedder());

test("the local model places a paraphrase nearer than an unrelated question", async () => {
  const [question, paraphrase, unrelated] = await createLocalEmbedder().embed([
    "A bakery sells muffins for $3 each and cookies for $1.50 each. It sold 40 muffins and 3 times as many cookies. How much money did it make?",
    "Muffins cost $3 and cookies cost $1.50 at a bakery. It sold 40 muffins and three times as many cookies. What was its revenue?",
    "A rectangle has a perimeter of 56 cm and its length is 4 cm more than its width. What is its area?",
  ]);
  const paraphraseSimilarity = dot(question as Float32Array, paraphrase as Float32Array);
  expect(paraphraseSimilarity).toBeGreaterThan(0.88);
  expect(dot(question as Float32Array, unrelated as Float32Array)).toBeLessThan(paraphraseSimilarity - 0.3);
});
