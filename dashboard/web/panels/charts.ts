import "uplot/dist/uPlot.min.css";
import "../charts.css";
import uPlot from "uplot";
import type { RatingTrack, RunSnapshot, TimelinePoint } from "../../wire.ts";
import { el, panel } from "../dom.ts";
import { count, formatDuration, money, percent, tokens } from "../format.ts";

/**
 * The run over time, drawn with uPlot. The page renders on every update, several times a second on a live
 * run, so the plots stay alive between renders and only take new data; another run builds them anew.
 */

const HEIGHT = 200;
/** The theme's colours (styles.css): a canvas cannot read CSS variables. */
const INK = {
  accent: "#3563d9",
  good: "#1f8a4c",
  bad: "#c23b3b",
  warn: "#b7791f",
  muted: "#6a7385",
  line: "#dfe3ea",
};
const MODEL_INKS = ["#3563d9", "#c23b3b", "#1f8a4c", "#b7791f", "#7b4bc4", "#1b8a9a", "#c2458f", "#5a6b1f"];
/** Steps of an axis of whole things, such as rounds. */
const WHOLE_STEPS = [
  1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000,
];
/** Steps of the elapsed-time axis, in seconds: ticks fall on whole seconds, minutes and hours. */
const ELAPSED_STEPS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
];

interface ChartSpec {
  readonly testId: string;
  readonly title: string;
  /** What the chart says while it has nothing to draw. */
  readonly empty: string;
  /** The columns to draw, x first; undefined while there is nothing to draw. */
  data(run: RunSnapshot): uPlot.AlignedData | undefined;
  /** What the series and scales depend on: the plot is built again when it changes. */
  shape(run: RunSnapshot): string;
  options(run: RunSnapshot): Omit<uPlot.Options, "width" | "height">;
  /** The chart in words, for screen readers. */
  summary(run: RunSnapshot): string;
}

/** `seconds` since the start as m:ss, or as h:mm on an axis that reaches an hour. */
function clock(seconds: number, hours: boolean): string {
  const s = Math.round(seconds);
  const two = (n: number) => String(n).padStart(2, "0");
  return hours
    ? `${Math.floor(s / 3600)}:${two(Math.floor((s % 3600) / 60))}`
    : `${Math.floor(s / 60)}:${two(s % 60)}`;
}

function axis(options: uPlot.Axis = {}): uPlot.Axis {
  return {
    stroke: INK.muted,
    grid: { stroke: INK.line, width: 1 },
    ticks: { stroke: INK.line, width: 1 },
    ...options,
  };
}

/** Options of a chart over the run's elapsed time, which starts at zero. */
function overTime(
  series: uPlot.Series[],
  axes: uPlot.Axis[],
  scales: uPlot.Scales = {},
): Omit<uPlot.Options, "width" | "height"> {
  return {
    scales: { x: { time: false, range: (_u, _min, max) => [0, Math.max(max, 1)] }, ...scales },
    series: [{ label: "elapsed", value: (_u, v) => (v == null ? "–" : formatDuration(v * 1000)) }, ...series],
    axes: [
      axis({
        incrs: ELAPSED_STEPS,
        values: (u, splits) => splits.map((s) => clock(s, (u.scales.x?.max ?? 0) >= 3600)),
      }),
      ...axes,
    ],
  };
}

/** The points with the run's start in front, as columns: x in seconds, then one column per measure. */
function overTimeData(
  run: RunSnapshot,
  ...measures: ((p: TimelinePoint) => number | null)[]
): uPlot.AlignedData | undefined {
  const { points } = run.timeline;
  if (points.length === 0) return undefined;
  const start: TimelinePoint = { t: 0, closed: 0, accepted: 0, tokens: 0, costUsd: 0, wastedTokens: 0 };
  const all = [start, ...points];
  return [all.map((p) => p.t / 1000), ...measures.map((measure) => all.map(measure))];
}

function line(label: string, stroke: string, extra: uPlot.Series = {}): uPlot.Series {
  return { label, stroke, width: 2, points: { show: false }, ...extra };
}

const latest = (run: RunSnapshot) => run.timeline.points.at(-1);
const afterTime = (point: TimelinePoint) => `after ${formatDuration(point.t)}`;
const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);
const legendValue = (format: (v: number) => string) => (_u: uPlot, v: number | null) =>
  v == null ? "–" : format(v);

const acceptedChart: ChartSpec = {
  testId: "chart-accepted",
  title: "Accepted over time",
  empty: "No rounds closed yet.",
  data: (run) =>
    overTimeData(run, (p) => p.accepted, ...(run.target === undefined ? [] : [() => run.target ?? null])),
  shape: (run) => String(run.target),
  options: (run) =>
    overTime(
      [
        // Totals hold from one close to the next.
        line("accepted", INK.accent, { fill: `${INK.accent}1a`, paths: uPlot.paths.stepped?.({ align: 1 }) }),
        ...(run.target === undefined ? [] : [line("target", INK.warn, { dash: [6, 4] })]),
      ],
      [axis({ incrs: WHOLE_STEPS, values: (_u, splits) => splits.map(count) })],
      { y: { range: (_u, _min, max) => [0, Math.max(max, 1)] } },
    ),
  summary: (run) => {
    const point = latest(run);
    return point ? `${point.accepted} accepted of a target of ${run.target ?? "?"} ${afterTime(point)}` : "";
  },
};

const spendChart: ChartSpec = {
  testId: "chart-spend",
  title: "Tokens and cost over time",
  empty: "No rounds closed yet.",
  data: (run) =>
    overTimeData(run, (p) => p.tokens, ...(priced(run) ? [(p: TimelinePoint) => p.costUsd] : [])),
  shape: (run) => String(priced(run)),
  options: (run) =>
    overTime(
      [
        line("tokens", INK.accent, { scale: "tokens", value: legendValue(tokens) }),
        ...(priced(run) ? [line("cost", INK.good, { scale: "usd", value: legendValue(money) })] : []),
      ],
      [
        axis({ scale: "tokens", values: (_u, splits) => splits.map(tokens) }),
        ...(priced(run)
          ? [
              axis({
                scale: "usd",
                side: 1,
                size: 64,
                grid: { show: false },
                values: (_u, splits) => splits.map(money),
              }),
            ]
          : []),
      ],
      { tokens: { range: (_u, _min, max) => [0, Math.max(max, 1)] } },
    ),
  summary: (run) => {
    const point = latest(run);
    return point ? `${tokens(point.tokens)} tokens, ${money(point.costUsd)}, ${afterTime(point)}` : "";
  },
};

/** Whether any model has a price: cost is drawn only then. */
function priced(run: RunSnapshot): boolean {
  return run.timeline.points.some((p) => p.costUsd !== null);
}

const sharesChart: ChartSpec = {
  testId: "chart-shares",
  title: "Acceptance and wasted share",
  empty: "No rounds closed yet.",
  data: (run) =>
    overTimeData(
      run,
      (p) => share(p.accepted, p.closed),
      (p) => share(p.wastedTokens, p.tokens),
    ),
  shape: () => "",
  options: () =>
    overTime(
      [
        line("accepted of closed rounds", INK.good, { value: legendValue(percent) }),
        line("wasted of billed tokens", INK.bad, { value: legendValue(percent) }),
      ],
      [axis({ values: (_u, splits) => splits.map((s) => `${Math.round(s * 100)}%`) })],
      { y: { range: [0, 1] } },
    ),
  summary: (run) => {
    const point = latest(run);
    if (!point) return "";
    const accepted = percent(share(point.accepted, point.closed));
    return `${accepted} of closed rounds accepted and ${percent(share(point.wastedTokens, point.tokens))} of tokens wasted ${afterTime(point)}`;
  },
};

/** One row per judged round any track has, and for each model its rating, low and high columns. */
function ratingColumns(tracks: readonly RatingTrack[]): uPlot.AlignedData {
  const games = [...new Set(tracks.flatMap((track) => track.points.map((p) => p.game)))].sort(
    (a, b) => a - b,
  );
  const columns = tracks.flatMap((track) => {
    const byGame = new Map(track.points.map((p) => [p.game, p]));
    const column = (pick: (p: RatingTrack["points"][number]) => number) =>
      games.map((game) => {
        const point = byGame.get(game);
        return point ? pick(point) : null;
      });
    return [column((p) => p.rating), column((p) => p.low), column((p) => p.high)];
  });
  return [games, ...columns];
}

const ratingsChart: ChartSpec = {
  testId: "chart-ratings",
  title: "Defence ratings, with 95% intervals",
  empty: "No judged rounds yet.",
  data: (run) => (run.timeline.ratings.length === 0 ? undefined : ratingColumns(run.timeline.ratings)),
  shape: (run) => run.timeline.ratings.map((track) => track.model).join("\n"),
  options: (run) => {
    const inks = run.timeline.ratings.map((_, i) => MODEL_INKS[i % MODEL_INKS.length] ?? INK.accent);
    return {
      scales: { x: { time: false } },
      series: [
        { label: "judged round" },
        ...run.timeline.ratings.flatMap((track, i): uPlot.Series[] => {
          const ink = inks[i] ?? INK.accent;
          // The interval's edges only bound the band: the legend and the cursor leave them out.
          const edge = (label: string) =>
            line(`${track.model} ${label}`, `${ink}00`, { class: "band-edge", width: 0 });
          const withInterval = (u: uPlot, v: number | null, s: number, idx: number | null) => {
            const low = idx === null ? undefined : u.data[s + 1]?.[idx];
            const high = idx === null ? undefined : u.data[s + 2]?.[idx];
            return v == null || low == null || high == null
              ? "–"
              : `${Math.round(v)} (${Math.round(low)}–${Math.round(high)})`;
          };
          return [line(track.model, ink, { value: withInterval }), edge("low"), edge("high")];
        }),
      ],
      bands: run.timeline.ratings.map((_, i) => ({
        series: [3 * i + 3, 3 * i + 2] as uPlot.Band.Bounds,
        fill: `${inks[i] ?? INK.accent}26`,
      })),
      axes: [
        axis({ label: "judged rounds", labelSize: 18, incrs: WHOLE_STEPS }),
        axis({ size: 52, values: (_u, splits) => splits.map((v) => String(Math.round(v))) }),
      ],
    };
  },
  summary: (run) =>
    run.timeline.ratings
      .map(({ model, points }) => {
        const point = points.at(-1);
        return point
          ? `${model} ${Math.round(point.rating)} (95% interval ${Math.round(point.low)}–${Math.round(point.high)})`
          : model;
      })
      .join("; "),
};

const noveltyChart: ChartSpec = {
  testId: "chart-novelty",
  title: "Similarity to kept questions",
  empty: "No questions screened yet.",
  data: ({ timeline: { novelty } }) =>
    novelty.counts.some((n) => n > 0)
      ? [novelty.counts.map((_, i) => i * novelty.binWidth), [...novelty.counts]]
      : undefined,
  shape: (run) => `${run.timeline.novelty.threshold}/${run.timeline.novelty.binWidth}`,
  options: ({ timeline: { novelty } }) => ({
    scales: { x: { time: false, range: [0, 1] }, y: { range: (_u, _min, max) => [0, Math.max(max, 1)] } },
    series: [
      {
        label: "maximum similarity",
        value: legendValue((v) => `${v.toFixed(2)}–${(v + novelty.binWidth).toFixed(2)}`),
      },
      {
        label: "questions",
        stroke: INK.accent,
        fill: `${INK.accent}99`,
        // Unoutlined, so empty bins draw nothing.
        width: 0,
        paths: uPlot.paths.bars?.({ align: 1, size: [0.9, Number.POSITIVE_INFINITY] }),
        points: { show: false },
        value: legendValue(count),
      },
    ],
    axes: [
      axis({ label: "maximum similarity to a kept question", labelSize: 18, incrs: [0.1, 0.2, 0.25, 0.5] }),
      axis({ size: 44, incrs: WHOLE_STEPS }),
    ],
    hooks: novelty.threshold === null ? {} : { draw: [thresholdLine(novelty.threshold)] },
  }),
  summary: ({ timeline: { novelty } }) => {
    const screened = novelty.counts.reduce((a, b) => a + b, 0);
    const threshold = novelty.threshold === null ? "unknown" : novelty.threshold.toFixed(2);
    return `${screened} questions screened by their maximum similarity; the duplicate threshold is ${threshold}`;
  },
};

/** A dashed vertical line where a question counts as a duplicate. */
function thresholdLine(threshold: number): (u: uPlot) => void {
  return (u) => {
    const { ctx, bbox } = u;
    const x = u.valToPos(threshold, "x", true);
    ctx.save();
    ctx.strokeStyle = INK.warn;
    ctx.fillStyle = INK.warn;
    ctx.lineWidth = 2 * uPlot.pxRatio;
    ctx.setLineDash([6 * uPlot.pxRatio, 4 * uPlot.pxRatio]);
    ctx.beginPath();
    ctx.moveTo(x, bbox.top);
    ctx.lineTo(x, bbox.top + bbox.height);
    ctx.stroke();
    ctx.font = `${11 * uPlot.pxRatio}px system-ui, sans-serif`;
    ctx.textAlign = "right";
    ctx.fillText(`duplicate ≥ ${threshold.toFixed(2)}`, x - 4 * uPlot.pxRatio, bbox.top + 12 * uPlot.pxRatio);
    ctx.restore();
  };
}

const CHARTS: readonly ChartSpec[] = [acceptedChart, spendChart, sharesChart, ratingsChart, noveltyChart];

interface LiveChart {
  readonly spec: ChartSpec;
  /** Where the plot goes; hidden while the chart shows its empty note instead. */
  readonly host: HTMLElement;
  readonly note: HTMLElement;
  plot?: uPlot;
  shape?: string;
}

interface Shown {
  readonly runId: string;
  readonly root: HTMLElement;
  readonly charts: readonly LiveChart[];
  readonly resizes: ResizeObserver;
  version?: string;
}

let shown: Shown | undefined;

/** Draws the run's charts into `container`: cheap when called again for the same run, which only updates them. */
export function renderCharts(container: HTMLElement, run: RunSnapshot): void {
  if (shown && (shown.runId !== run.runId || shown.root.parentElement !== container)) {
    close(shown);
    shown = undefined;
  }
  shown ??= open(container, run.runId);
  const version = versionOf(run);
  if (version === shown.version) return;
  shown.version = version;
  for (const chart of shown.charts) update(chart, run);
}

/** Changes whenever the charts would: each series only moves at its end, or with the target and threshold. */
function versionOf({ target, timeline }: RunSnapshot): string {
  return JSON.stringify([
    target,
    timeline.points.length,
    timeline.points.at(-1),
    timeline.ratings.map((track) => [track.model, track.points.at(-1)]),
    timeline.novelty,
  ]);
}

function open(container: HTMLElement, runId: string): Shown {
  const charts = CHARTS.map((spec): LiveChart => {
    const host = el("div", { class: "time-chart-plot" });
    const note = el("p", { class: "muted" }, spec.empty);
    return { spec, host, note };
  });
  const root = el(
    "div",
    { class: "time-charts" },
    ...charts.map(({ spec, host, note }) => {
      const card = panel(spec.title, { testId: spec.testId }, host, note);
      card.classList.add("time-chart");
      return card;
    }),
  );
  const byHost = new Map<Element, LiveChart>(charts.map((chart) => [chart.host, chart]));
  const resizes = new ResizeObserver((entries) => {
    for (const entry of entries) {
      const plot = byHost.get(entry.target)?.plot;
      const width = Math.floor(entry.contentRect.width);
      // The plot's own height changes nothing here: only a new width needs a new size.
      if (plot && width > 0 && width !== plot.width) plot.setSize({ width, height: HEIGHT });
    }
  });
  for (const chart of charts) resizes.observe(chart.host);
  container.replaceChildren(root);
  return { runId, root, charts, resizes };
}

function close({ charts, resizes }: Shown): void {
  resizes.disconnect();
  for (const chart of charts) chart.plot?.destroy();
}

function update(chart: LiveChart, run: RunSnapshot): void {
  const { spec, host, note } = chart;
  const data = spec.data(run);
  host.hidden = data === undefined;
  note.hidden = data !== undefined;
  if (data === undefined) return;
  const shape = spec.shape(run);
  if (chart.plot && chart.shape === shape) {
    chart.plot.setData(data);
  } else {
    chart.plot?.destroy();
    const width = host.clientWidth || 400;
    chart.plot = new uPlot({ ...spec.options(run), width, height: HEIGHT }, data, host);
    chart.shape = shape;
    chart.plot.ctx.canvas.setAttribute("role", "img");
  }
  chart.plot.ctx.canvas.setAttribute("aria-label", `${spec.title}: ${spec.summary(run)}`);
}
