import type { MathChain } from "../generators/math/chain.ts";

/**
 * What the simulator knows about a question, whoever wrote it (a simulated Attacker or a benchmark file), so
 * the Defender and Judge roles play consistently with it.
 */

interface ItemBase {
  question: string;
  /** Reasoning hops the question needs; a Defender gets each right with probability skill. */
  hops: number;
  /** The correct worked solution, one step per line (empty for benchmark items). */
  solutionSteps: string[];
  /** The answer the question's author claimed; wrong on deliberately invalid items. */
  referenceAnswer: string;
}

export interface NumericItem extends ItemBase {
  kind: "numeric";
  answer: number;
  /** Prints the answer; what the simulated Judge runs in its python tool. */
  python?: string;
  chain?: MathChain;
}

export interface ChoiceItem extends ItemBase {
  kind: "choice";
  /** Letter -> option text, in letter order. */
  options: Record<string, string>;
  answer: string;
}

export type SimItem = NumericItem | ChoiceItem;

/** A freshly written question: the item, plus the solution its author publishes (flawed when the item is). */
export interface GeneratedQuestion {
  item: SimItem;
  publishedSteps: string[];
}
