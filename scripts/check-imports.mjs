// Checks the architecture's import rules (.dependency-cruiser.cjs) and that the folder graph has no cycle.
// Run directly (CI does, in .ci/run), it exits 1 with every violation listed.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cruise } from "dependency-cruiser";

const require = createRequire(import.meta.url);
const config = require("../.dependency-cruiser.cjs");
const ROOTS = [
  ...["protocol", "bus", "llm", "tools", "curation", "tournament", "domains", "config", "eval", "trainer"],
  ...["log", "terminal", "core", "machines", "host", "agents", "runner", "dashboard", "api", "cli", "bin"],
  ...["packages", "index.ts"],
];

/** A module's folder: its top-level folder (packages/<name> for workspace packages). */
function folderOf(path) {
  const parts = path.split("/");
  if (parts[0] === "packages") return parts.slice(0, 2).join("/");
  return parts.length > 1 ? parts[0] : "(root)";
}

function folderEdges(modules) {
  const edges = new Map();
  for (const module of modules) {
    const from = folderOf(module.source);
    for (const dependency of module.dependencies) {
      if (dependency.coreModule || dependency.couldNotResolve) continue;
      if (dependency.resolved.startsWith("node_modules/")) continue;
      const to = folderOf(dependency.resolved);
      if (from === to) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from).add(to);
    }
  }
  return edges;
}

/** Tarjan's strongly connected components: a component of more than one folder is a cycle. */
function folderCycles(edges) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const cycles = [];
  let next = 0;
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = [];
    for (let w = stack.pop(); ; w = stack.pop()) {
      component.push(w);
      if (w === v) break;
    }
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

/** Every broken rule and folder cycle of the tree at `baseDir`, one line each. */
export async function importViolations(baseDir) {
  const roots = ROOTS.filter((root) => existsSync(join(baseDir, root)));
  const { output } = await cruise(roots, { validate: true, ruleSet: config, ...config.options, baseDir });
  const edges = folderEdges(output.modules);
  const violations = output.summary.violations.map((v) => {
    const cycle = v.cycle ? ` (cycle: ${v.cycle.map((c) => c.name ?? c).join(" -> ")})` : "";
    return `${v.rule.name}: ${v.from} -> ${v.to}${cycle}`;
  });
  for (const cycle of folderCycles(edges))
    violations.push(`no-folder-cycle: ${cycle.join(", ")} import each other in a cycle`);
  return { violations, modules: output.summary.totalCruised, folders: edges.size };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(fileURLToPath(import.meta.url), "..", "..");
  const { violations, modules, folders } = await importViolations(root);
  if (violations.length > 0) {
    const lines = violations.map((v) => `  - ${v}`).join("\n");
    process.stderr.write(`import rules: ${violations.length} violation(s)\n${lines}\n`);
    process.exit(1);
  }
  process.stdout.write(
    `import rules: ${modules} modules, ${folders} folders, no violation, no folder cycle\n`,
  );
}
