import type { Topology } from "../config/topology.ts";
import { CENSOR, hasUrlCredentials, isSecretField, urlForDisplay } from "../log/redaction.ts";

/**
 * The topology as recorded on the stream: secret fields replaced and `user:password@` taken out of every URL (a
 * model's baseUrl, a NATS URL), so replaying a run or exporting its card never leaks them.
 */
export function redactTopology(topology: Topology): Record<string, unknown> {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, isSecretField(k) && v !== undefined ? CENSOR : walk(v)]),
      );
    }
    if (typeof value === "string" && hasUrlCredentials(value)) return urlForDisplay(value);
    return value;
  };
  return walk(topology) as Record<string, unknown>;
}
