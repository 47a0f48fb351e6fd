import { stringify } from "yaml";

/** A valid topology without a simulator, so it validates with no environment at all. */
export const VALID_TOPOLOGY = {
  models: [
    { id: "alpha", baseUrl: "http://localhost:8000/v1", model: "m-alpha" },
    { id: "judge", baseUrl: "http://localhost:8000/v1", model: "m-judge" },
  ],
  agents: [
    { type: "scheduler" },
    { type: "attacker" },
    { type: "defender" },
    { type: "judge", model: "judge" },
    { type: "curator" },
  ],
};

type Topology = typeof VALID_TOPOLOGY & Record<string, unknown>;

/** The valid topology as YAML after `edit` changed a copy of it. */
export function editedTopology(edit: (topology: Topology) => void): string {
  const copy = structuredClone(VALID_TOPOLOGY) as Topology;
  edit(copy);
  return stringify(copy);
}

export interface BrokenTopology {
  mistake: string;
  text: string;
  /** The field path the error must name. */
  path: string;
  /** What the hint must say. */
  hint: RegExp;
}

/** One topology per kind of mistake a user makes, with the path and hint the error must give. */
export const BROKEN_TOPOLOGIES: BrokenTopology[] = [
  { mistake: "bad YAML", text: "models: [alpha\nagents: {", path: "(file)", hint: /indentation/ },
  { mistake: "not a mapping", text: "- alpha\n- judge\n", path: "(root)", hint: /models:, agents:/ },
  {
    mistake: "missing models",
    text: editedTopology((t) => Reflect.deleteProperty(t, "models")),
    path: "models",
    hint: /add models \(a list\)/,
  },
  {
    mistake: "unknown key",
    text: editedTopology((t) => Object.assign(t, { budget: 5 })),
    path: "budget",
    hint: /known keys here: .*models, agents/,
  },
  {
    mistake: "misspelt key",
    text: editedTopology((t) => Object.assign(t.models[0] as object, { maxConcurency: 8 })),
    path: "models[0].maxConcurency",
    hint: /did you mean "maxConcurrency"\?/,
  },
  {
    mistake: "wrong type",
    text: editedTopology((t) => Object.assign(t, { run: { concurrency: "eight" } })),
    path: "run.concurrency",
    hint: /write a number, e\.g\. 4/,
  },
  {
    mistake: "quoted number",
    text: editedTopology((t) => Object.assign(t, { curation: { target: "50" } })),
    path: "curation.target",
    hint: /write 50 without quotes/,
  },
  {
    mistake: "bad URL",
    text: editedTopology((t) => Object.assign(t.models[0] as object, { baseUrl: "gpu-box/v1" })),
    path: "models[0].baseUrl",
    hint: /full URL with its scheme/,
  },
  {
    mistake: "unknown model reference",
    text: editedTopology((t) => Object.assign(t.agents[3] as object, { model: "judg" })),
    path: "agents[3].model",
    hint: /did you mean "judge"\? use a model id from models: alpha, judge/,
  },
  {
    mistake: "duplicate model id",
    text: editedTopology((t) => Object.assign(t.models[1] as object, { id: "alpha" })),
    path: "models[1].id",
    hint: /own id/,
  },
  {
    mistake: "scheduler replicas 2",
    text: editedTopology((t) => Object.assign(t.agents[0] as object, { replicas: 2 })),
    path: "agents[0].replicas",
    hint: /set replicas to 1/,
  },
  {
    mistake: "unknown level",
    text: editedTopology((t) => Object.assign(t, { curation: { levels: ["L4", "L6"] } })),
    path: "curation.levels[1]",
    hint: /use one of: L1, L2, L3, L4, L5/,
  },
  {
    mistake: "misspelt enum value",
    text: editedTopology((t) => Object.assign(t, { tournament: { pairing: "round_robin" } })),
    path: "tournament.pairing",
    hint: /did you mean "round-robin"\?/,
  },
  {
    mistake: "negative concurrency",
    text: editedTopology((t) => Object.assign(t, { run: { concurrency: -2 } })),
    path: "run.concurrency",
    hint: /positive number/,
  },
  {
    mistake: "unknown agent type without module",
    text: editedTopology((t) => t.agents.push({ type: "critic" })),
    path: "agents[5].type",
    hint: /give module: /,
  },
  {
    mistake: "missing env var without default",
    text: editedTopology((t) =>
      Object.assign(t.models[0] as object, { baseUrl: "${NANOFLUX_TEST_UNSET}/v1" }),
    ),
    path: "models[0].baseUrl",
    hint: /export NANOFLUX_TEST_UNSET=\.\.\./,
  },
  {
    mistake: "unknown embedder model",
    text: editedTopology((t) =>
      Object.assign(t, { curation: { embedder: { kind: "openai", model: "embed" } } }),
    ),
    path: "curation.embedder.model",
    hint: /use a model id from models: alpha, judge/,
  },
  {
    mistake: "training without a model to fine-tune",
    text: editedTopology((t) => Object.assign(t, { training: { backend: "gpu-hosts" } })),
    path: "training",
    hint: /training\.baseModel/,
  },
  {
    mistake: "a complexity mix bucket no round can be opened in",
    text: editedTopology((t) => Object.assign(t, { curation: { complexityMix: { "3": 1, "7": 1 } } })),
    path: "curation.complexityMix.7",
    hint: /use complexities 1-5/,
  },
  {
    mistake: "a domain mix naming a domain the run does not play",
    text: editedTopology((t) =>
      Object.assign(t, { run: { domains: ["math"] }, curation: { domainMix: { math: 1, medicine: 1 } } }),
    ),
    path: "curation.domainMix.medicine",
    hint: /use domains from run\.domains: math/,
  },
  {
    mistake: "a mix with nothing to share",
    text: editedTopology((t) => Object.assign(t, { curation: { complexityMix: { "3": 0 } } })),
    path: "curation.complexityMix",
    hint: /positive share/,
  },
];
