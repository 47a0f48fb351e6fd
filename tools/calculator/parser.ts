import { ModelError } from "../../protocol/errors.ts";
import { type Operator, type Token, tokenize } from "./lexer.ts";

export type Expression =
  | { kind: "number"; text: string }
  | { kind: "string"; text: string; at: number }
  | { kind: "name"; text: string; at: number }
  | { kind: "negate"; operand: Expression }
  | { kind: "percent"; operand: Expression }
  | { kind: "binary"; operator: "+" | "-" | "*" | "/" | "^"; left: Expression; right: Expression }
  | { kind: "call"; name: string; args: Expression[]; at: number };

/**
 * Recursive descent, loosest binding first:
 *   sum     := product (("+" | "-") product)*
 *   product := unary (("*" | "/") unary)*
 *   unary   := ("-" | "+") unary | power
 *   power   := postfix ("^" unary)?          right-associative, so 2^-1 and 2^3^2 work; -2^2 is -4
 *   postfix := primary "%"*
 *   primary := number | string | name | name "(" arguments ")" | "(" sum ")"
 */
export function parse(expression: string): Expression {
  const parser = new Parser(tokenize(expression));
  const tree = parser.sum();
  parser.expectEnd();
  return tree;
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  sum(): Expression {
    let left = this.product();
    for (let operator = this.takeOperator("+", "-"); operator; operator = this.takeOperator("+", "-")) {
      left = { kind: "binary", operator, left, right: this.product() };
    }
    return left;
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== "end") throw unexpected(token);
  }

  private product(): Expression {
    let left = this.unary();
    for (let operator = this.takeOperator("*", "/"); operator; operator = this.takeOperator("*", "/")) {
      left = { kind: "binary", operator, left, right: this.unary() };
    }
    return left;
  }

  private unary(): Expression {
    const sign = this.takeOperator("-", "+");
    if (sign === "-") return { kind: "negate", operand: this.unary() };
    if (sign === "+") return this.unary();
    return this.power();
  }

  private power(): Expression {
    const base = this.postfix();
    return this.takeOperator("^") ? { kind: "binary", operator: "^", left: base, right: this.unary() } : base;
  }

  private postfix(): Expression {
    let operand = this.primary();
    while (this.takeOperator("%")) operand = { kind: "percent", operand };
    return operand;
  }

  private primary(): Expression {
    const token = this.next();
    switch (token.kind) {
      case "number":
        return { kind: "number", text: token.text };
      case "string":
        return { kind: "string", text: token.text, at: token.at };
      case "name":
        return this.takeOperator("(")
          ? { kind: "call", name: token.text, args: this.arguments(), at: token.at }
          : { kind: "name", text: token.text, at: token.at };
      case "operator":
        if (token.text === "(") {
          const inner = this.sum();
          this.expectOperator(")");
          return inner;
        }
        throw unexpected(token);
      case "end":
        throw unexpected(token);
    }
  }

  private arguments(): Expression[] {
    if (this.takeOperator(")")) return [];
    const args = [this.sum()];
    while (this.takeOperator(",")) args.push(this.sum());
    this.expectOperator(")");
    return args;
  }

  private takeOperator<const Wanted extends Operator>(...wanted: Wanted[]): Wanted | undefined {
    const token = this.peek();
    if (token.kind !== "operator" || !(wanted as Operator[]).includes(token.text)) return undefined;
    this.index += 1;
    return token.text as Wanted;
  }

  private expectOperator(wanted: Operator): void {
    if (!this.takeOperator(wanted)) throw unexpected(this.peek(), `'${wanted}'`);
  }

  private peek(): Token {
    // The token list always ends with an "end" token, and the parser never moves past it.
    return this.tokens[this.index] ?? { kind: "end", at: 0 };
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== "end") this.index += 1;
    return token;
  }
}

function unexpected(token: Token, expected?: string): ModelError {
  const found = token.kind === "end" ? "end of expression" : `'${token.text}' at column ${token.at}`;
  return new ModelError(`unexpected ${found}${expected ? `: expected ${expected}` : ""}`);
}
