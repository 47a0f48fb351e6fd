// The simulator composition lives in api/ (the library and the CLI both start runs through it).
export {
  builtInSimulator,
  type PreparedTopology,
  prepareTopology,
  simulatorBlockIssues,
  type TopologyOverrides,
} from "../api/prepare-topology.ts";
