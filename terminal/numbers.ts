/** FLOPs as people write them: 3.2e15. */
export function formatFlops(flops: number | undefined): string {
  return flops === undefined ? "unknown" : flops.toExponential(2).replace("e+", "e");
}
