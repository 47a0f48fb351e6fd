import { sendJson } from "./http.ts";
import type { RouteModule, SimContext } from "./routes.ts";

/** GET /v1/models (configured models, models given a skill later, names already used) and /v1/models/{id}. */

function modelObject(sim: SimContext, id: string) {
  return { id, object: "model", created: sim.startedAt, owned_by: "system" };
}

function knownModels(sim: SimContext): string[] {
  return [...new Set([...sim.skills.names(), ...sim.stats.models()])];
}

export const modelRoutes: RouteModule = (sim) => [
  {
    method: "GET",
    path: "/v1/models",
    handle: async ({ res }) =>
      sendJson(res, 200, { object: "list", data: knownModels(sim).map((id) => modelObject(sim, id)) }),
  },
  {
    method: "GET",
    path: "/v1/models/:id+",
    // Any name works for chat, so any name exists.
    handle: async ({ res, params }) => sendJson(res, 200, modelObject(sim, params.id ?? "")),
  },
];
