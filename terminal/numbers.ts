/** FLOPs as people write them: 3.2e15. */
export function formatFlops(flops: number | undefined): string {
  return flops === undefined ? "unknown" : flops.toExponential(2).replace("e+", "e");
}

/** A duration for people: 42s, 3m07s, 2h05m; "?" when unknown. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** A count in a status line: 950, 12.3k, 4.1M. */
export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1000) return `${(n / 1000).toFixed(1)}k`;
  return String(n);
}
