import { ModelError } from "../../protocol/errors.ts";

export type Token =
  | { kind: "number"; text: string; at: number }
  | { kind: "name"; text: string; at: number }
  | { kind: "string"; text: string; at: number }
  | { kind: "operator"; text: Operator; at: number }
  | { kind: "end"; at: number };

export type Operator = "+" | "-" | "*" | "/" | "^" | "%" | "(" | ")" | ",";

// Spellings models commonly write, mapped to the one operator each means here.
const OPERATOR_SPELLINGS: ReadonlyArray<readonly [string, Operator]> = [
  ["**", "^"],
  ["×", "*"],
  ["·", "*"],
  ["÷", "/"],
  ["−", "-"],
  ...[..."+-*/^%(),"].map((symbol) => [symbol, symbol as Operator] as const),
];

const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const STRING = /^"([^"]*)"|^'([^']*)'/;

/** Splits an expression into tokens; `at` is the 1-based column, for error messages. */
export function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < expression.length) {
    const rest = expression.slice(position);
    const at = position + 1;
    const space = /^\s+/.exec(rest);
    const number = NUMBER.exec(rest);
    const name = NAME.exec(rest);
    const string = STRING.exec(rest);
    const operator = OPERATOR_SPELLINGS.find(([spelling]) => rest.startsWith(spelling));
    if (space) {
      position += space[0].length;
    } else if (number) {
      tokens.push({ kind: "number", text: number[0], at });
      position += number[0].length;
    } else if (name) {
      tokens.push({ kind: "name", text: name[0], at });
      position += name[0].length;
    } else if (string) {
      tokens.push({ kind: "string", text: string[1] ?? string[2] ?? "", at });
      position += string[0].length;
    } else if (operator) {
      tokens.push({ kind: "operator", text: operator[1], at });
      position += operator[0].length;
    } else {
      throw new ModelError(`unexpected character '${rest[0]}' at column ${at}`);
    }
  }
  tokens.push({ kind: "end", at: expression.length + 1 });
  return tokens;
}
