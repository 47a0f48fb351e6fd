import type { Topology } from "../config/topology.ts";
import { CENSOR, isSecretField, urlsForRecord } from "../log/redaction.ts";

/**
 * The topology as recorded on the stream: secret fields replaced, and every URL (a model's baseUrl, a NATS URL)
 * without `user:password@`, query or fragment, so replaying a run or exporting its card never leaks them.
 */
export function redactTopology(topology: Topology): Record<string, unknown> {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, isSecretField(k) && v !== undefined ? CENSOR : walk(v)]),
      );
    }
    if (typeof value === "string" && value.includes("://")) return urlsForRecord(value);
    return value;
  };
  return walk(topology) as Record<string, unknown>;
}
