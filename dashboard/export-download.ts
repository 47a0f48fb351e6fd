import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { zipSync } from "fflate";
import type { RecordedReview } from "../bus/run-reviews.ts";
import { exportRun } from "../curation/export/export-run.ts";
import { ExportFormat } from "../curation/export/formats.ts";
import { DATASET_FILE } from "../curation/export/run-files.ts";
import { reviewBook } from "../curation/reviews.ts";
import { errorMessage, NanofluxError } from "../protocol/errors.ts";

export type Download =
  | { filename: string; body: Buffer }
  | { error: string; field?: string; status: 400 | 404 | 503 };

/** A run's reviews as its stream holds them; undefined when the stream does not know the run. */
export type ReadReviews = (
  runId: string,
) => Promise<{ reviews: RecordedReview[]; ignored: number } | undefined>;

/** Exports asked for while others are being made: beyond these, the page is told to try again. */
const MAX_WAITING = 4;

/**
 * The page's "download export": the same export `nanoflux export` writes, zipped. The reviewers' decisions are
 * read from the run's stream when the export is made, as `nanoflux export` reads them, never taken from the
 * dashboard's view, which may not have caught up yet. Made in a temporary folder (never in the run folder) and
 * one at a time, so a burst of clicks cannot fill the disk or the CPU.
 */
export class ExportDownloads {
  private queue: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  constructor(
    private readonly outDir: string,
    private readonly readReviews: ReadReviews,
  ) {}

  private runDir(runId: string): string {
    return join(this.outDir, runId);
  }

  /** Whether the run's folder, with its dataset, is on this host. */
  exportable(runId: string): boolean {
    return existsSync(join(this.runDir(runId), DATASET_FILE));
  }

  async zip(runId: string, format: string | null): Promise<Download> {
    const formats = (format ?? "parquet").split(",").map((name) => ExportFormat.safeParse(name.trim()));
    if (formats.some((f) => !f.success))
      return {
        error: `format: choose from ${ExportFormat.options.join(", ")} (comma-separated)`,
        field: "format",
        status: 400,
      };
    if (this.waiting >= MAX_WAITING)
      return { error: "the dashboard is busy making other exports: try again shortly", status: 503 };
    this.waiting += 1;
    const next = this.queue.then(() => {
      this.waiting -= 1;
      return this.build(
        runId,
        formats.flatMap((f) => (f.success ? [f.data] : [])),
      );
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async build(runId: string, formats: ExportFormat[]): Promise<Download> {
    const read = await this.readReviews(runId);
    if (!read)
      return {
        error: `run ${runId} is not on this dashboard's stream, so its reviews cannot be read`,
        status: 404,
      };
    const out = await mkdtemp(join(tmpdir(), "nanoflux-export-"));
    try {
      const exported = await exportRun({
        runDir: this.runDir(runId),
        formats,
        out,
        reviews: {
          book: reviewBook(read.reviews),
          source: `the run's stream (${read.reviews.length} reviews${read.ignored > 0 ? `; ${read.ignored} invalid ignored` : ""}), read by the dashboard`,
        },
      });
      // What the export says it wrote: its data files and the card (its manifest is the export's own business).
      const files: Record<string, Uint8Array> = {};
      for (const name of [...exported.written, relative(out, exported.cardFile)])
        files[`${runId}/${name}`] = await readFile(join(out, name));
      return { filename: `${runId}-export.zip`, body: Buffer.from(zipSync(files)) };
    } catch (err) {
      // The export's own refusals (nothing kept after review, say) are the user's to read; the rest is a fault.
      if (err instanceof NanofluxError && err.code === "CONFIG")
        return { error: errorMessage(err), status: 400 };
      throw err;
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }
}
