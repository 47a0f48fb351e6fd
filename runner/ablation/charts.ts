import type { TopLevelSpec } from "vega-lite";
import type { AblationRecord } from "./record.ts";

/**
 * The ablation's pictures, drawn by Vega-Lite to SVG files: accuracy with its 95% interval against quality
 * level, one line per complexity and size, with the base model (and a full-benchmark fine-tune) as rules; and
 * the training loss per step of every cell.
 */

const WIDTH = 520;
const HEIGHT = 300;

async function toSvg(spec: TopLevelSpec): Promise<string> {
  // Loaded when a chart is drawn, not with every command: Vega is a large library.
  const [{ parse, View }, { compile }] = await Promise.all([import("vega"), import("vega-lite")]);
  const view = new View(parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function subtitle(record: AblationRecord): string[] {
  return record.simulated
    ? ["On the simulator: its fine-tune effect is a stand-in (skill grows with sample count only)."]
    : [];
}

export function accuracyChart(record: AblationRecord): Promise<string> {
  const points = record.cells.flatMap((cell) =>
    cell.eval
      ? [
          {
            level: cell.level,
            series: `complexity ${cell.complexity}, n=${cell.size}${cell.domain ? `, ${cell.domain}` : ""}`,
            accuracy: cell.eval.accuracy,
            low: cell.eval.ci95.low,
            high: cell.eval.ci95.high,
          },
        ]
      : [],
  );
  const references = [
    ...(record.base ? [{ name: "base model", accuracy: record.base.accuracy }] : []),
    ...(record.full?.eval ? [{ name: "full-benchmark fine-tune", accuracy: record.full.eval.accuracy }] : []),
  ];
  const x = {
    axis: { labelAngle: 0 },
    field: "level",
    type: "ordinal" as const,
    title: "quality level",
    sort: ["L1", "L2", "L3", "L4", "L5"],
  };
  const y = { type: "quantitative" as const, title: "accuracy", scale: { domain: [0, 1] } };
  return toSvg({
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: { legend: { labelLimit: 260 } },
    title: {
      text: `Accuracy on ${record.benchmark} by quality level and complexity`,
      subtitle: subtitle(record),
    },
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: { values: points },
        mark: { type: "line", point: true },
        encoding: {
          x,
          y: { ...y, field: "accuracy" },
          color: { field: "series", type: "nominal", title: null },
        },
      },
      {
        data: { values: points },
        mark: { type: "errorbar", thickness: 2 },
        encoding: {
          x,
          y: { ...y, field: "low" },
          y2: { field: "high" },
          color: { field: "series", type: "nominal" },
        },
      },
      {
        data: { values: references },
        mark: { type: "rule", strokeDash: [4, 4] },
        encoding: { y: { ...y, field: "accuracy" }, color: { field: "name", type: "nominal" } },
      },
    ],
  });
}

export function lossChart(record: AblationRecord): Promise<string> {
  const runs = [
    ...record.cells.map((c) => ({ name: c.id, loss: c.loss })),
    ...(record.full ? [{ name: "full benchmark", loss: record.full.loss }] : []),
  ];
  const values = runs.flatMap((run) => run.loss.map((point) => ({ run: run.name, ...point })));
  return toSvg({
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: { legend: { labelLimit: 260 } },
    title: { text: "Training loss per step, per cell", subtitle: subtitle(record) },
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "step", type: "quantitative", title: "step" },
      y: { field: "loss", type: "quantitative", title: "training loss" },
      color: { field: "run", type: "nominal", title: null },
    },
  });
}
