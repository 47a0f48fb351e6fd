import { svg } from "./dom.ts";

/**
 * Small inline SVG charts of counts by category and of a rate, drawn by hand: a handful of labelled shapes
 * that scale with their viewBox and need no plot to keep alive. The charts over time are uPlot's
 * (panels/charts.ts). Labels are SVG text nodes.
 */

export interface Bar {
  label: string;
  value: number;
}

const WIDTH = 320;
const HEIGHT = 160;
const PAD = { top: 16, right: 8, bottom: 28, left: 36 };

function frame(title: string, testId: string): SVGSVGElement {
  return svg(
    "svg",
    {
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      class: "chart",
      role: "img",
      "aria-label": title,
      "data-testid": testId,
    },
    svg("title", {}, title),
  );
}

/** Vertical bars, one per category, with the count above each. */
export function barChart(bars: readonly Bar[], title: string, testId: string): SVGSVGElement {
  const chart = frame(title, testId);
  const max = Math.max(1, ...bars.map((b) => b.value));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotWidth / Math.max(1, bars.length);
  const baseline = PAD.top + plotHeight;
  chart.append(
    svg("line", { x1: PAD.left, y1: baseline, x2: WIDTH - PAD.right, y2: baseline, class: "axis" }),
  );
  bars.forEach((bar, i) => {
    const height = (bar.value / max) * plotHeight;
    const x = PAD.left + i * slot + slot * 0.15;
    const centre = PAD.left + (i + 0.5) * slot;
    chart.append(
      svg("rect", { x, y: baseline - height, width: slot * 0.7, height, class: "bar" }),
      svg(
        "text",
        { x: centre, y: baseline - height - 4, class: "value", "text-anchor": "middle" },
        bar.value,
      ),
      svg("text", { x: centre, y: HEIGHT - 10, class: "label", "text-anchor": "middle" }, bar.label),
    );
  });
  return chart;
}

/** Horizontal bars that narrow stage by stage, each with its count and its share of the first. */
export function funnelChart(bars: readonly Bar[], title: string, testId: string): SVGSVGElement {
  const rowHeight = 24;
  const height = bars.length * rowHeight + 8;
  const labelWidth = 110;
  const chart = svg(
    "svg",
    {
      viewBox: `0 0 ${WIDTH} ${height}`,
      class: "chart funnel",
      role: "img",
      "aria-label": title,
      "data-testid": testId,
    },
    svg("title", {}, title),
  );
  const first = Math.max(1, bars[0]?.value ?? 0);
  const barSpace = WIDTH - labelWidth - 70;
  bars.forEach((bar, i) => {
    const y = 4 + i * rowHeight;
    const share = bar.value / first;
    chart.append(
      svg("text", { x: labelWidth - 6, y: y + 16, class: "label", "text-anchor": "end" }, bar.label),
      svg("rect", {
        x: labelWidth,
        y: y + 3,
        width: Math.max(1, share * barSpace),
        height: rowHeight - 6,
        class: "bar",
      }),
      svg(
        "text",
        { x: labelWidth + share * barSpace + 6, y: y + 16, class: "value" },
        `${bar.value} (${Math.round(100 * share)}%)`,
      ),
    );
  });
  return chart;
}

export interface Point {
  x: number;
  y: number;
}

/** A 0-1 rate against its x axis, with the target as a dashed line. */
export function rateChart(
  points: readonly Point[],
  target: number | null,
  title: string,
  testId: string,
): SVGSVGElement {
  const chart = frame(title, testId);
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const maxX = Math.max(2, ...points.map((p) => p.x));
  const xOf = (x: number) => PAD.left + ((x - 1) / (maxX - 1)) * plotWidth;
  const yOf = (y: number) => PAD.top + (1 - y) * plotHeight;
  for (const tick of [0, 0.5, 1]) {
    chart.append(
      svg("line", {
        x1: PAD.left,
        y1: yOf(tick),
        x2: WIDTH - PAD.right,
        y2: yOf(tick),
        class: tick === 0 ? "axis" : "grid",
      }),
      svg(
        "text",
        { x: PAD.left - 4, y: yOf(tick) + 4, class: "label", "text-anchor": "end" },
        `${tick * 100}%`,
      ),
    );
  }
  if (target !== null) {
    chart.append(
      svg("line", { x1: PAD.left, y1: yOf(target), x2: WIDTH - PAD.right, y2: yOf(target), class: "target" }),
      svg(
        "text",
        { x: WIDTH - PAD.right, y: yOf(target) - 4, class: "label target-label", "text-anchor": "end" },
        `target ${Math.round(target * 100)}%`,
      ),
    );
  }
  if (points.length > 0) {
    chart.append(
      svg("polyline", {
        points: points.map((p) => `${xOf(p.x).toFixed(1)},${yOf(p.y).toFixed(1)}`).join(" "),
        class: "line",
      }),
    );
  }
  chart.append(
    svg(
      "text",
      { x: PAD.left + plotWidth / 2, y: HEIGHT - 6, class: "label", "text-anchor": "middle" },
      `valid games (1-${maxX})`,
    ),
  );
  return chart;
}
