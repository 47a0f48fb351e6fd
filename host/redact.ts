import type { Topology } from "../config/topology.ts";

const SECRET_KEYS = new Set(["pass", "token", "nkeySeed", "apiKey", "password"]);

/** The topology as recorded on the stream: secrets replaced, so replaying a run never leaks them. */
export function redactTopology(topology: Topology): Record<string, unknown> {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [
          k,
          SECRET_KEYS.has(k) && v !== undefined ? "[redacted]" : walk(v),
        ]),
      );
    }
    return value;
  };
  return walk(topology) as Record<string, unknown>;
}
