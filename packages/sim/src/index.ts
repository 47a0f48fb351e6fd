/**
 * The simulator package's public surface: what the nanoflux CLI composes (the `sim` command, the demo, dry
 * runs) and what tests and benches start. Production code never imports this package.
 */
export { SimulatedModel, SimulatorConfig } from "./config.ts";
export { type Simulator, type SimulatorOptions, type SimulatorSettings, startSimulator } from "./server.ts";
export type { SimulatorStats } from "./stats.ts";
