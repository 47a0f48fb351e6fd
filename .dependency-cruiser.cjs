/**
 * The import rules of the architecture (docs/ARCHITECTURE.md), checked in CI by scripts/check-imports.mjs.
 * Layers, bottom up: protocol; infrastructure that knows no roles; pure machines; the host; the roles
 * (agents/<role>); the runner that composes a run; the apps on top (dashboard, the library api/, cli). The
 * simulator is a package of its own that only the library and the CLI compose.
 */
const INFRASTRUCTURE = "^(bus|llm|tools|curation|tournament|domains|config|eval|trainer|log|terminal|core)/";
const PRODUCTION =
  "^(protocol|bus|llm|tools|curation|tournament|domains|config|eval|trainer|log|terminal|core|machines|host|agents|runner|dashboard|index\\.ts)";

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "modules import each other in a cycle (types included): move the shared part down a layer",
      from: {},
      to: { circular: true },
    },
    {
      name: "protocol-is-the-bottom",
      severity: "error",
      comment: "protocol/ holds messages, subjects, schemas and errors: it imports nothing of the project",
      from: { path: "^protocol/" },
      to: { path: "^[^/]+/", pathNot: "^(protocol|node_modules)/" },
    },
    {
      name: "no-simulator-in-production",
      severity: "error",
      comment:
        "only the library (api/) and the CLI compose the simulator package (tests and benches may use it)",
      from: { path: PRODUCTION },
      to: { path: "^packages/sim/" },
    },
    {
      name: "cli-on-top",
      severity: "error",
      comment: "nothing below the command line imports it",
      from: { pathNot: "^(cli|bin|test|bench|scripts)/" },
      to: { path: "^cli/" },
    },
    {
      name: "infrastructure-knows-no-roles",
      severity: "error",
      comment: "infrastructure serves every role and knows none of them, nor the host or the apps",
      from: { path: INFRASTRUCTURE },
      to: { path: "^(machines|host|agents|runner|dashboard|cli)/" },
    },
    {
      name: "machines-are-pure",
      severity: "error",
      comment: "machines get their I/O as actors through provide(): no bus, host, roles or apps",
      from: { path: "^machines/" },
      to: { path: "^(bus|host|agents|runner|dashboard|cli)/" },
    },
    {
      name: "host-knows-no-roles",
      severity: "error",
      comment: "the host runs any agent definition; which ones exist is the caller's to say",
      from: { path: "^host/" },
      to: { path: "^(agents|runner|dashboard|cli)/" },
    },
    {
      name: "roles-are-independent",
      severity: "error",
      comment:
        "a role imports protocol, infrastructure, its machine and the host's contract, never another role",
      from: { path: "^agents/([^/]+)/" },
      to: { path: "^agents/", pathNot: "^agents/$1/" },
    },
    {
      name: "roles-below-the-runner",
      severity: "error",
      comment: "roles do not reach up into the runner or the apps",
      from: { path: "^agents/" },
      to: { path: "^(runner|dashboard|cli)/" },
    },
    {
      name: "runner-below-the-apps",
      severity: "error",
      comment: "the runner composes a run; the apps (dashboard, CLI) sit on it",
      from: { path: "^runner/" },
      to: { path: "^(dashboard|api|cli)/" },
    },
    {
      name: "api-on-top",
      severity: "error",
      comment:
        "the library composes runs for callers of the package: only the package entry and the CLI import it",
      from: { pathNot: "^(api|cli|bin|test|bench|scripts|examples)/|^index\\.ts$" },
      to: { path: "^api/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dashboard/web/dist)/" },
    tsPreCompilationDeps: true,
    moduleSystems: ["es6"],
  },
};
