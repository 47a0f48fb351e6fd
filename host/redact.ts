import type { Topology } from "../config/topology.ts";
import { CENSOR, isSecretField } from "../log/redaction.ts";

/** The topology as recorded on the stream: secrets replaced, so replaying a run never leaks them. */
export function redactTopology(topology: Topology): Record<string, unknown> {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, isSecretField(k) && v !== undefined ? CENSOR : walk(v)]),
      );
    }
    return value;
  };
  return walk(topology) as Record<string, unknown>;
}
