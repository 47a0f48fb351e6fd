export { formatDuration } from "../../terminal/numbers.ts";

export function count(n: number): string {
  return n.toLocaleString("en-US");
}

export function tokens(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

export function money(usd: number | null): string {
  if (usd === null) return "no prices";
  // Simulated and small runs cost fractions of a cent: show enough digits to see them move.
  return usd > 0 && usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

export function percent(rate: number | null): string {
  return rate === null ? "–" : `${(100 * rate).toFixed(1)}%`;
}

export function similarity(value: number): string {
  return value.toFixed(3);
}
