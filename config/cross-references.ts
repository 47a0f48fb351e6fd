import { suggestionHint } from "./suggest.ts";

/**
 * Checks between sections of a topology: model ids that other sections name, agent types, the one scheduler.
 * They read the document loosely (any shape), so they are reported beside schema errors rather than only once
 * those are fixed.
 */

export const AGENT_TYPES = ["scheduler", "attacker", "defender", "judge", "curator", "trainer"] as const;

export interface CrossReferenceIssue {
  path: (string | number)[];
  message: string;
  hint: string;
}

type Mapping = Record<string, unknown>;

function mapping(value: unknown): Mapping | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Mapping)
    : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function entries(value: unknown): Array<[number, Mapping]> {
  return list(value).flatMap((item, i) => (mapping(item) ? [[i, item as Mapping] as [number, Mapping]] : []));
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function modelIdIssues(models: unknown): CrossReferenceIssue[] {
  const firstIndex = new Map<string, number>();
  const issues: CrossReferenceIssue[] = [];
  for (const [i, model] of entries(models)) {
    const id = text(model.id);
    if (id === undefined) continue;
    const first = firstIndex.get(id);
    if (first === undefined) firstIndex.set(id, i);
    else
      issues.push({
        path: ["models", i, "id"],
        message: `duplicate model id "${id}" (models[${first}] has it too)`,
        hint: `give each model its own id, e.g. "${id}-2"`,
      });
  }
  return issues;
}

function agentIssues(agents: unknown): CrossReferenceIssue[] {
  const builtIn: readonly string[] = AGENT_TYPES;
  const issues: CrossReferenceIssue[] = [];
  const schedulers = entries(agents).filter(([, agent]) => agent.type === "scheduler");
  for (const [i] of schedulers.slice(1))
    issues.push({
      path: ["agents", i, "type"],
      message: "a second scheduler",
      hint: "list the scheduler once: one scheduler runs each run",
    });
  for (const [i, agent] of schedulers)
    if (typeof agent.replicas === "number" && agent.replicas !== 1)
      issues.push({
        path: ["agents", i, "replicas"],
        message: `the scheduler cannot have ${agent.replicas} replicas`,
        hint: "set replicas to 1 (or leave it out): one scheduler runs each run",
      });
  for (const [i, agent] of entries(agents)) {
    const type = text(agent.type);
    if (type && !builtIn.includes(type) && agent.module === undefined)
      issues.push({
        path: ["agents", i, "type"],
        message: `unknown agent type "${type}"`,
        hint: suggestionHint(
          type,
          builtIn,
          `use one of ${builtIn.join(", ")}, or give module: ./path/to/plugin.ts for a plug-in`,
        ),
      });
  }
  return issues;
}

function modelReferenceIssues(document: Mapping, ids: string[]): CrossReferenceIssue[] {
  const references: Array<{ path: (string | number)[]; id: unknown }> = [
    ...entries(document.agents).map(([i, agent]) => ({ path: ["agents", i, "model"], id: agent.model })),
    ...list(mapping(document.tournament)?.models).map((id, i) => ({ path: ["tournament", "models", i], id })),
    { path: ["training", "model"], id: mapping(document.training)?.model },
  ];
  const embedder = mapping(mapping(document.curation)?.embedder);
  // The local embedder names its built-in model; an openai embedder names a models entry.
  if (embedder?.kind === "openai")
    references.push({ path: ["curation", "embedder", "model"], id: embedder.model });
  return references.flatMap(({ path, id }) =>
    typeof id === "string" && !ids.includes(id)
      ? [
          {
            path,
            message: `unknown model "${id}"`,
            hint: suggestionHint(id, ids, `use a model id from models: ${[...new Set(ids)].join(", ")}`),
          },
        ]
      : [],
  );
}

function trainingIssues(training: unknown): CrossReferenceIssue[] {
  const section = mapping(training);
  if (!section || section.model !== undefined) return [];
  const issues: CrossReferenceIssue[] = [];
  if (section.baseModel === undefined)
    issues.push({
      path: ["training"],
      message: "nothing says which model to fine-tune",
      hint: "give training.baseModel (the model name to fine-tune) or training.model (a model id from models)",
    });
  if ((section.backend ?? "openai") === "openai" && section.baseUrl === undefined)
    issues.push({
      path: ["training"],
      message: "the openai backend has no fine-tuning API to call",
      hint: "give training.baseUrl (e.g. https://api.openai.com/v1) or training.model, whose baseUrl is used",
    });
  return issues;
}

/**
 * The curation mix is a quota on the rounds the scheduler opens: a bucket it can never open a round in would
 * leave its share of the target unfilled, and a mix with nothing to share would open nothing.
 */
function mixIssues(document: Mapping): CrossReferenceIssue[] {
  const curation = mapping(document.curation);
  const run = mapping(document.run);
  const domains = Array.isArray(run?.domains) ? run.domains.filter((d) => typeof d === "string") : ["math"];
  const issues: CrossReferenceIssue[] = [];
  const mixes = [
    {
      key: "complexityMix",
      allowed: ["1", "2", "3", "4", "5"],
      what: "complexity",
      fix: "use complexities 1-5",
    },
    {
      key: "domainMix",
      allowed: domains,
      what: "domain",
      fix: `use domains from run.domains: ${domains.join(", ")}`,
    },
  ];
  for (const { key, allowed, what, fix } of mixes) {
    const mix = mapping(curation?.[key]);
    if (!mix) continue;
    for (const bucket of Object.keys(mix))
      if (!allowed.includes(bucket))
        issues.push({
          path: ["curation", key, bucket],
          message: `no round can be opened at ${what} "${bucket}"`,
          hint: suggestionHint(bucket, allowed, fix),
        });
    const total = Object.values(mix).reduce<number>(
      (sum, share) => sum + (typeof share === "number" ? share : 0),
      0,
    );
    if (total <= 0)
      issues.push({
        path: ["curation", key],
        message: "every share is zero",
        hint: `give at least one ${what} a positive share, or leave curation.${key} out`,
      });
  }
  return issues;
}

/** Every cross-section problem of a topology document, parsed or not. */
export function crossReferenceIssues(document: unknown): CrossReferenceIssue[] {
  const root = mapping(document);
  if (!root) return [];
  const ids = Array.isArray(root.models)
    ? entries(root.models).flatMap(([, model]) => (typeof model.id === "string" ? [model.id] : []))
    : undefined;
  return [
    ...modelIdIssues(root.models),
    ...agentIssues(root.agents),
    // Without a models list every reference would look unknown; its absence is reported on its own.
    ...(ids ? modelReferenceIssues(root, ids) : []),
    ...trainingIssues(root.training),
    ...mixIssues(root),
  ];
}
