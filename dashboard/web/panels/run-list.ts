import type { RunListItem } from "../../wire.ts";
import { el, pageLink } from "../dom.ts";
import { statusBadge } from "./overview.ts";

/** The runs on the stream, newest first; the selected one is marked. */
export function runList(runs: readonly RunListItem[], selected: string | undefined): HTMLElement {
  return el(
    "ul",
    { class: "run-list" },
    ...runs.map((run) =>
      el(
        "li",
        {},
        pageLink(
          { run: run.runId },
          { "aria-current": run.runId === selected ? "page" : undefined, "data-run": run.runId },
          el("span", {}, run.runId),
          el("span", { class: "muted" }, ` ${run.accepted}/${run.target ?? "?"} `),
          statusBadge(run.status, run.live),
        ),
      ),
    ),
  );
}
