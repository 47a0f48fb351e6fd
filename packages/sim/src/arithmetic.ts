/**
 * Evaluates the small arithmetic used in worked steps ("25077 × (100 - 35) / 100", "floor(25077 / 24)",
 * "25077 mod 24"), so the simulated Judge can check each step a Defender wrote. Returns undefined for anything
 * else rather than guessing.
 */

const TOKEN = /\s*(floor|mod|\d+(?:\.\d+)?|[-+*/×÷()])/y;

function tokenize(text: string): string[] | undefined {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match?.[1]) return text.slice(start).trim() === "" ? tokens : undefined;
    tokens.push(match[1]);
  }
  return tokens;
}

class Parser {
  private at = 0;
  constructor(private readonly tokens: string[]) {}

  parseAll(): number | undefined {
    const value = this.expr();
    return this.at === this.tokens.length ? value : undefined;
  }

  private peek(): string | undefined {
    return this.tokens[this.at];
  }

  private take(expected: string): boolean {
    if (this.peek() !== expected) return false;
    this.at++;
    return true;
  }

  private expr(): number | undefined {
    let value = this.term();
    while (value !== undefined && (this.peek() === "+" || this.peek() === "-")) {
      const op = this.tokens[this.at++];
      const right = this.term();
      value = right === undefined ? undefined : op === "+" ? value + right : value - right;
    }
    return value;
  }

  private term(): number | undefined {
    let value = this.factor();
    while (value !== undefined && ["*", "×", "/", "÷", "mod"].includes(this.peek() ?? "")) {
      const op = this.tokens[this.at++];
      const right = this.factor();
      if (right === undefined) return undefined;
      if (op === "*" || op === "×") value *= right;
      else if (op === "mod") value = right === 0 ? undefined : value % right;
      else value = right === 0 ? undefined : value / right;
    }
    return value;
  }

  private factor(): number | undefined {
    const token = this.peek();
    if (token === undefined) return undefined;
    if (this.take("-")) {
      const inner = this.factor();
      return inner === undefined ? undefined : -inner;
    }
    if (this.take("(")) return this.closeGroup(this.expr());
    if (this.take("floor")) {
      if (!this.take("(")) return undefined;
      const inner = this.closeGroup(this.expr());
      return inner === undefined ? undefined : Math.floor(inner);
    }
    if (/^\d/.test(token)) {
      this.at++;
      return Number(token);
    }
    return undefined;
  }

  private closeGroup(value: number | undefined): number | undefined {
    return this.take(")") ? value : undefined;
  }
}

export function evaluateArithmetic(text: string): number | undefined {
  const tokens = tokenize(text);
  if (!tokens || tokens.length === 0) return undefined;
  return new Parser(tokens).parseAll();
}

/** Relative tolerance 1e-4, the benchmark scoring rule. */
export function sameNumber(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Parses "1,234.5", "$1234.50", "-3" into a number. */
export function parseNumber(text: string): number | undefined {
  const match = /-?\d[\d,]*(?:\.\d+)?/.exec(text);
  if (!match) return undefined;
  const value = Number(match[0].replaceAll(",", ""));
  return Number.isFinite(value) ? value : undefined;
}

/** The last number in a text: what a program printed, or a prose answer. */
export function lastNumber(text: string): number | undefined {
  const matches = text.match(/-?\d[\d,]*(?:\.\d+)?/g);
  const last = matches?.at(-1);
  return last === undefined ? undefined : parseNumber(last);
}

/** Canonical answer text: integers plain, fractions with at most 4 decimals. */
export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(4)));
}
