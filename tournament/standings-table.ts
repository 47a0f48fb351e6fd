import type { RatingInterval, StandingsRow } from "./ratings.ts";

/** Plain-text standings for `nanoflux standings <run>` and the run summary. */

interface Column {
  readonly header: string;
  readonly align: "left" | "right";
  readonly cell: (row: StandingsRow) => string;
}

const COLUMNS: readonly Column[] = [
  { header: "model", align: "left", cell: (row) => row.model },
  { header: "defence", align: "right", cell: (row) => withMargin(row.defence) },
  { header: "attack", align: "right", cell: (row) => withMargin(row.attack) },
  { header: "games", align: "right", cell: (row) => String(row.games) },
  { header: "defended", align: "right", cell: (row) => percent(row.defenderSuccessRate) },
  { header: "invalid", align: "right", cell: (row) => String(row.invalid) },
];

const GAP = "  ";

/** Fixed-width columns sized to their widest cell; ratings show "rating ± half-width of the 95% interval". */
export function formatStandingsTable(rows: readonly StandingsRow[]): string {
  const lines = [
    COLUMNS.map((column) => column.header),
    ...rows.map((row) => COLUMNS.map((column) => column.cell(row))),
  ];
  const widths = COLUMNS.map((_, i) => Math.max(...lines.map((line) => (line[i] as string).length)));
  const render = (line: readonly string[]): string =>
    line
      .map((text, i) => {
        const width = widths[i] as number;
        return COLUMNS[i]?.align === "left" ? text.padEnd(width) : text.padStart(width);
      })
      .join(GAP);
  const rule = widths.map((width) => "-".repeat(width)).join(GAP);
  const [header, ...body] = lines.map(render);
  return [header, rule, ...body].join("\n");
}

function withMargin({ rating, ci95: [lo, hi] }: RatingInterval): string {
  return `${Math.round(rating)} ± ${Math.round((hi - lo) / 2)}`;
}

function percent(rate: number | null): string {
  return rate === null ? "-" : `${(100 * rate).toFixed(1)}%`;
}
