import { describe, expect, test } from "vitest";
import { NgramIndex, normalisedWords, wordNgrams } from "../../curation/ngrams.ts";

describe("normalisedWords", () => {
  test("turns every number, in digits or words, into one placeholder", () => {
    expect(
      normalisedWords("She bakes 4,933,828 muffins at $1.50 with twenty-five friends and FOUR dogs."),
    ).toEqual([
      "she",
      "bakes",
      "<num>",
      "muffins",
      "at",
      "<num>",
      "with",
      "<num>",
      "friends",
      "and",
      "<num>",
      "dogs",
    ]);
  });

  test("reads Unicode letters and ignores punctuation", () => {
    expect(normalisedWords("Janet’s café: naïve?")).toEqual(["janet", "s", "café", "naïve"]);
  });
});

describe("wordNgrams", () => {
  test("slides a window of n words", () => {
    expect([...wordNgrams("a b c d", 3)]).toEqual(["a b c", "b c d"]);
  });

  test("keeps a text shorter than n as one gram, and none for no words", () => {
    expect([...wordNgrams("only 3 short words", 8)]).toEqual(["only <num> short words"]);
    expect(wordNgrams("?!", 8).size).toBe(0);
  });
});

describe("NgramIndex", () => {
  const janet =
    "Janet's ducks lay 16 eggs per day. She eats three for breakfast every morning and bakes muffins for her friends every day with four.";
  const robe =
    "A robe takes 2 bolts of blue fiber and half that much white fiber. How many bolts in total does it take?";

  test("finds the item a text was copied from with other numbers", () => {
    const index = new NgramIndex(8);
    index.add(robe);
    const janetItem = index.add(janet);
    expect(index.best(janet.replace("four", "4933828").replace("16", "3"))).toEqual({
      item: janetItem,
      overlap: 1,
    });
  });

  test("measures overlap against the shorter text, so a copy inside a longer question counts fully", () => {
    const index = new NgramIndex(8);
    index.add(robe);
    const longer = `Here is a puzzle for a tailor. ${robe} Answer with a number of bolts and explain every step of it.`;
    expect(index.best(longer)?.overlap).toBe(1);
  });

  test("gives unrelated text no match", () => {
    const index = new NgramIndex(8);
    index.add(janet);
    expect(
      index.best("What is the area of a circle with a radius of seven metres in square metres?"),
    ).toBeUndefined();
  });
});
