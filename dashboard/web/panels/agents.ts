import type { AgentInstance, RunSnapshot } from "../../wire.ts";
import { el, panel, table } from "../dom.ts";

function instanceLine(instance: AgentInstance): HTMLElement {
  const seen = `${(instance.lastSeenMs / 1000).toFixed(1)}s ago`;
  return el(
    "li",
    { class: instance.alive ? "alive" : "gone" },
    `${instance.host}:${instance.pid} · ${instance.status} · ${instance.inFlight} in flight · seen ${seen}`,
  );
}

/** Which agents are alive (a heartbeat within three intervals), their replicas and the work in their hands. */
export function agentsPanel(run: RunSnapshot): HTMLElement {
  const rows = run.agents.map((group) => [
    group.agentType,
    `${group.alive} / ${group.instances.length}`,
    group.inFlight,
    group.handled,
    el("ul", { class: "instances" }, ...group.instances.map(instanceLine)),
  ]);
  return panel(
    "Agents",
    { testId: "agents" },
    rows.length > 0
      ? table(["agent", "alive / replicas", "in flight", "handled", "replicas"], rows, {
          "data-testid": "agents-table",
        })
      : el("p", { class: "muted" }, "No heartbeats: no agent of this run is running."),
  );
}
