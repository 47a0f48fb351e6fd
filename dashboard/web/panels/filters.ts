import { RejectionReason } from "../../../protocol/messages.ts";
import { CloseStatus, Level } from "../../../protocol/schemas.ts";
import { RoundQuery } from "../../wire.ts";
import { el } from "../dom.ts";
import type { RoundFilters } from "../review-api.ts";

/**
 * The round list's filters, kept in the address with the run and round (`#run=..&status=accepted&level=L4`),
 * so a filtered view is a link and the back button undoes a filter. The bar is built once and kept: typing in
 * the search box survives the page's redraws.
 */

const FILTER_NAMES = ["status", "level", "review", "reason", "skill", "domain", "complexity", "q"] as const;
type FilterName = (typeof FILTER_NAMES)[number];

/** The filters in the address; a value the server would refuse is dropped rather than sent. */
export function filtersFromAddress(): RoundFilters {
  const params = new URLSearchParams(location.hash.slice(1));
  const raw = Object.fromEntries(
    FILTER_NAMES.flatMap((name) => (params.get(name) ? [[name, params.get(name)]] : [])),
  );
  const parsed = RoundQuery.safeParse(raw);
  if (!parsed.success) return {};
  const { offset: _offset, limit: _limit, ...filters } = parsed.data;
  return filters;
}

/** The filters as address parameters, for links that keep them. */
export function filterParams(filters: RoundFilters): Record<string, string> {
  return Object.fromEntries(
    Object.entries(filters).flatMap(([name, value]) =>
      value === undefined || value === "" ? [] : [[name, String(value)]],
    ),
  );
}

export function hasFilters(filters: RoundFilters): boolean {
  return Object.values(filters).some((value) => value !== undefined && value !== "");
}

function setFilter(name: FilterName, value: string): void {
  const params = new URLSearchParams(location.hash.slice(1));
  if (value === "") params.delete(name);
  else params.set(name, value);
  // Filtering is not navigation between rounds: replace the entry, and tell the page to redraw.
  history.replaceState(null, "", `#${params}`);
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}

const REVIEW_CHOICES = ["flagged", "unreviewed", "approved", "edited", "rejected"];

interface Bar {
  element: HTMLElement;
  selects: Map<FilterName, HTMLSelectElement>;
  search: HTMLInputElement;
  facets: string;
}

let bar: Bar | undefined;

function choice(name: FilterName, label: string, options: readonly string[]): HTMLSelectElement {
  const node = el(
    "select",
    { "data-testid": `filter-${name}`, "aria-label": label },
    el("option", { value: "" }, `any ${label}`),
    ...options.map((value) => el("option", { value }, value.replace(/_/g, " "))),
  );
  node.addEventListener("change", () => setFilter(name, node.value));
  return node;
}

function build(): Bar {
  const selects = new Map<FilterName, HTMLSelectElement>([
    ["status", choice("status", "status", [...CloseStatus.options, "open"])],
    ["level", choice("level", "level", Level.options)],
    ["review", choice("review", "review", REVIEW_CHOICES)],
    ["reason", choice("reason", "reason", RejectionReason.options)],
    ["complexity", choice("complexity", "complexity", ["1", "2", "3", "4", "5"])],
    ["skill", choice("skill", "skill", [])],
    ["domain", choice("domain", "domain", [])],
  ]);
  const search = el("input", {
    type: "search",
    "data-testid": "filter-q",
    "aria-label": "search rounds",
    placeholder: "search question, answer, solution, verdict…",
    maxlength: 500,
  });
  let pending: number | undefined;
  search.addEventListener("input", () => {
    clearTimeout(pending);
    pending = window.setTimeout(() => setFilter("q", search.value.trim()), 200);
  });
  const element = el("div", { class: "filters", "data-testid": "filters" }, search, ...selects.values());
  return { element, selects, search, facets: "" };
}

function refillFacet(select: HTMLSelectElement, label: string, values: readonly string[]): void {
  const chosen = select.value;
  select.replaceChildren(
    el("option", { value: "" }, `any ${label}`),
    ...values.map((value) => el("option", { value }, value)),
  );
  select.value = values.includes(chosen) ? chosen : "";
}

/** The filter bar, showing the address's filters; skills and domains are the run's own. */
export function filterBar(
  filters: RoundFilters,
  facets: { skills: readonly string[]; domains: readonly string[] },
): HTMLElement {
  bar ??= build();
  const key = JSON.stringify(facets);
  if (key !== bar.facets) {
    bar.facets = key;
    refillFacet(bar.selects.get("skill") as HTMLSelectElement, "skill", facets.skills);
    refillFacet(bar.selects.get("domain") as HTMLSelectElement, "domain", facets.domains);
  }
  for (const [name, select] of bar.selects) {
    const wanted = String(filters[name as keyof RoundFilters] ?? "");
    if (select.value !== wanted && [...select.options].some((o) => o.value === wanted)) select.value = wanted;
  }
  if (document.activeElement !== bar.search) bar.search.value = filters.q ?? "";
  return bar.element;
}
