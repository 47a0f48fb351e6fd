/**
 * DOM building for the page. Text only ever enters as text nodes or attribute values (set with
 * setAttribute), never as markup: model-written questions and answers are untrusted.
 */

export type Child = Node | string | number | null | undefined | false;
export type Attributes = Readonly<Record<string, string | number | undefined>>;

const SVG_NS = "http://www.w3.org/2000/svg";

function fill<T extends Element>(node: T, attributes: Attributes, children: readonly Child[]): T {
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) node.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  return fill(document.createElement(tag), attributes, children);
}

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  return fill(document.createElementNS(SVG_NS, tag), attributes, children);
}

/** A link within the page: the target is always a fragment the page built, never text from a model. */
export function pageLink(
  params: Readonly<Record<string, string>>,
  attributes: Attributes,
  ...children: Child[]
): HTMLAnchorElement {
  return el("a", { ...attributes, href: `#${new URLSearchParams(params)}` }, ...children);
}

/** A titled panel of the page; `wide` ones take two columns of the grid. */
export function panel(
  title: string,
  attributes: { testId: string; wide?: boolean },
  ...children: Child[]
): HTMLElement {
  return el(
    "section",
    { class: attributes.wide ? "panel wide" : "panel", "data-testid": attributes.testId },
    el("h2", {}, title),
    ...children,
  );
}

/** A table from a header row and rows of cells. */
export function table(
  headers: readonly string[],
  rows: readonly (readonly Child[])[],
  attributes: Attributes = {},
): HTMLTableElement {
  return el(
    "table",
    attributes,
    el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, ...rows.map((cells) => el("tr", {}, ...cells.map((cell) => el("td", {}, cell))))),
  );
}
