import { chatRoutes } from "./chat/route.ts";
import { embeddingRoutes } from "./embeddings-route.ts";
import { fineTuningRoutes } from "./fine-tuning.ts";
import { modelRoutes } from "./models-route.ts";
import type { RouteModule } from "./routes.ts";

/** Every endpoint family the simulator serves; add a module here to serve more. */
export const ROUTE_MODULES: readonly RouteModule[] = [
  modelRoutes,
  chatRoutes,
  embeddingRoutes,
  fineTuningRoutes,
];
