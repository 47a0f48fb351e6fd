import { z } from "zod";
import { MemoryDocument, type SharedDocument } from "../core/shared-document.ts";
import { SystemError } from "../protocol/errors.ts";
import { NoveltyReport } from "../protocol/schemas.ts";
import type { Embedder } from "./embedder.ts";
import { nearestInMemory } from "./nearest-in-memory.ts";
import type { QuestionRow, QuestionStore } from "./question-store.ts";

/**
 * The novelty gate: a question is new when its cosine similarity to every kept question and to every question
 * in flight stays below the threshold. One view for every curator replica of a run, on any host:
 *
 * - Questions in flight live in the novelty book, a document every replica shares (the run's KV bucket), and a
 *   question is checked and reserved in one compare-and-set: of two replicas screening near-duplicates at
 *   once, one write wins and the other checks again and sees it.
 * - Kept questions live in each replica's own store, which follows the run's closed rounds on the stream. A
 *   kept question stays in the book until its close is on the stream; a replica reading the book waits until
 *   its store has everything the stream held at that moment. A question is therefore always in the book or in
 *   the store of whoever screens next.
 */

const BookEntry = z.object({
  roundId: z.string(),
  text: z.string(),
  /** When it was reserved (ms since the epoch): the reservation of a round that died unseen lapses. */
  at: z.number(),
  /** Kept: stays until the round's close is on the stream, where every replica's store picks it up. */
  kept: z.boolean().optional(),
  /** The screen that reserved it, so a redelivered round passes with the same report. */
  report: NoveltyReport.omit({ nearestText: true, contamination: true }).optional(),
});
type BookEntry = z.infer<typeof BookEntry>;

export const NoveltyBook = z.object({ entries: z.array(BookEntry) });
export type NoveltyBook = z.infer<typeof NoveltyBook>;
export const EMPTY_NOVELTY_BOOK: NoveltyBook = { entries: [] };

export interface NoveltyScreen {
  novel: boolean;
  report: NoveltyReport;
  /** One sentence for the round's close reason and the logs. */
  reason: string;
}

export interface NoveltyGateOptions {
  embedder: Embedder;
  store: QuestionStore;
  /** Highest similarity a kept question may have to any other (curation.noveltyThreshold). */
  threshold: number;
  /** Whether a question played and rejected for itself blocks its replays (curation.screenReplays). */
  screenReplays?: boolean;
  /** A reservation older than this is dropped, so a round that died unseen does not block its question forever. */
  reservationTtlMs?: number;
  now?: () => number;
  /** Where questions in flight are written down: shared by every replica of the run; default this process only. */
  book?: SharedDocument<NoveltyBook>;
  /** Resolves once the store holds every question any replica kept before the call; default: it always does. */
  storeCaughtUp?: () => Promise<void>;
}

/** Questions already played and rejected that a gate remembers, oldest forgotten first. */
const MAX_PLAYED = 10_000;
/** Closed rounds a gate remembers, so that its writes clear their entries from the book. */
const MAX_CLOSED = 100_000;
/** The book must fit one NATS message (1 MiB by default) with room to spare. */
const MAX_BOOK_BYTES = 768 * 1024;
const DEFAULT_RESERVATION_TTL_MS = 30 * 60_000;

interface Played {
  text: string;
  vector: Float32Array;
}

export class NoveltyGate {
  /** Rounds whose question was played and rejected for itself (quality, outcome, validity): replays die early. */
  readonly #played = new Map<string, Played>();
  /** Rounds whose close this replica has seen on the stream (its store has their questions). */
  readonly #closed = new Set<string>();
  readonly #book: SharedDocument<NoveltyBook>;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #caughtUp: () => Promise<void>;

  constructor(private readonly options: NoveltyGateOptions) {
    this.#book = options.book ?? new MemoryDocument(EMPTY_NOVELTY_BOOK);
    this.#ttlMs = options.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS;
    this.#now = options.now ?? Date.now;
    this.#caughtUp = options.storeCaughtUp ?? (async () => {});
  }

  /** Checks a round's question and reserves it when novel. A round that holds a reservation passes at once. */
  async screen(roundId: string, text: string): Promise<NoveltyScreen> {
    // The final check of a reserved question costs no embedding and no search; a lapsed reservation holds nothing.
    const reserved = this.#held(await this.#book.read(), roundId, text);
    if (reserved) return this.#decide(reserved.report ?? { maxSimilarity: 0, source: "none" });
    const [vector] = await this.options.embedder.embed([text]);
    return this.#book.change(async (book) => {
      const held = book.entries.find((e) => e.roundId === roundId);
      const live = this.#held(book, roundId, text);
      if (live) return { result: this.#decide(live.report ?? { maxSimilarity: 0, source: "none" }) };
      // After the read of the book: whatever left the book before it is in the stream by now.
      await this.#caughtUp();
      const report = await this.#nearest(vector as Float32Array, book, roundId);
      const screen = this.#decide(report);
      if (!screen.novel && !held) return { result: screen };
      const others = this.#live(book).filter((e) => e.roundId !== roundId);
      const { nearestText: _, ...kept } = report;
      const entries = screen.novel ? [...others, { roundId, text, at: this.#now(), report: kept }] : others;
      return { next: this.#checkedSize({ entries }), result: screen };
    });
  }

  /**
   * Keeps the round's question: marked kept in the book (so every replica goes on seeing it until its close is
   * recorded), then added to this replica's store. A round whose reservation is live keeps it at once; one
   * without (it lapsed, or the replica restarted) is checked in full in the same write, and is refused, with
   * the reason, when another question came close meanwhile.
   */
  async commit(roundId: string, row: Omit<QuestionRow, "roundId" | "vector">): Promise<NoveltyScreen> {
    const [vector] = await this.options.embedder.embed([row.text]);
    const screen = await this.#book.change(async (book) => {
      const held = this.#held(book, roundId, row.text);
      if (held?.kept) return { result: this.#decide(held.report ?? { maxSimilarity: 0, source: "none" }) };
      let report: NoveltyReport = held?.report ?? { maxSimilarity: 0, source: "none" };
      if (!held) {
        await this.#caughtUp();
        report = await this.#nearest(vector as Float32Array, book, roundId);
      }
      const checked = this.#decide(report);
      if (!checked.novel) return { result: checked };
      const others = this.#live(book).filter((e) => e.roundId !== roundId);
      const { nearestText: _, ...compact } = report;
      const entry: BookEntry = {
        roundId,
        text: row.text,
        at: held?.at ?? this.#now(),
        kept: true,
        report: compact,
      };
      return { next: this.#checkedSize({ entries: [...others, entry] }), result: checked };
    });
    if (screen.novel) await this.options.store.add([{ ...row, roundId, vector: vector as Float32Array }]);
    return screen;
  }

  /**
   * Drops the round's reservation. With `played`, the question was judged and rejected for itself, so a later
   * proposal of it is a duplicate too (when the gate screens replays); otherwise it may be proposed again.
   */
  async release(roundId: string, options: { played?: boolean } = {}): Promise<void> {
    const held = await this.#book.change((book) => {
      const entry = book.entries.find((e) => e.roundId === roundId);
      if (!entry) return { result: undefined };
      return { next: { entries: this.#live(book).filter((e) => e.roundId !== roundId) }, result: entry };
    });
    if (held && options.played) await this.#remember(roundId, held.text);
  }

  /**
   * A round's close, as this replica's store heard it from the stream (after adding a kept question): its entry
   * may leave the book, and a question played and rejected for itself blocks its replays here too.
   */
  async roundClosed(roundId: string, played?: string): Promise<void> {
    this.#closed.add(roundId);
    if (this.#closed.size > MAX_CLOSED) this.#closed.delete(this.#closed.values().next().value as string);
    if (played !== undefined) await this.#remember(roundId, played);
  }

  /** Questions the book holds for rounds in flight or just kept, all replicas together. */
  async reserved(): Promise<number> {
    return (await this.#book.read()).entries.length;
  }

  async #remember(roundId: string, text: string): Promise<void> {
    if (!this.options.screenReplays || this.#played.has(roundId)) return;
    const [vector] = await this.options.embedder.embed([text]);
    this.#played.set(roundId, { text, vector: vector as Float32Array });
    if (this.#played.size > MAX_PLAYED) this.#played.delete(this.#played.keys().next().value as string);
  }

  /** The round's own live entry for this text: reserved within the time to live, or kept. */
  #held(book: NoveltyBook, roundId: string, text: string): BookEntry | undefined {
    return this.#live(book).find((e) => e.roundId === roundId && e.text === text);
  }

  /** The book without lapsed reservations and without rounds whose close this replica has seen. */
  #live(book: NoveltyBook): BookEntry[] {
    const oldest = this.#now() - this.#ttlMs;
    return book.entries.filter((e) => !this.#closed.has(e.roundId) && (e.kept || e.at >= oldest));
  }

  #checkedSize(book: NoveltyBook): NoveltyBook {
    const bytes = Buffer.byteLength(JSON.stringify(book));
    if (bytes > MAX_BOOK_BYTES)
      throw new SystemError(
        `the novelty book would hold ${book.entries.length} questions in flight (${Math.round(bytes / 1024)} KiB), ` +
          `more than one NATS message carries: lower run.concurrency or shorten the questions`,
      );
    return book;
  }

  async #nearest(vector: Float32Array, book: NoveltyBook, roundId: string): Promise<NoveltyReport> {
    const flying = this.#live(book).filter((e) => e.roundId !== roundId);
    const vectors = flying.length > 0 ? await this.options.embedder.embed(flying.map((e) => e.text)) : [];
    const inFlight = nearestInMemory(
      flying.map((e, i) => ({ id: e.roundId, text: e.text, vector: vectors[i] as Float32Array })),
      vector,
      1,
    )[0];
    const played = nearestInMemory(
      [...this.#played].map(([id, p]) => ({ id, text: p.text, vector: p.vector })),
      vector,
      1,
    )[0];
    const stored = (await this.options.store.nearest(vector, 1))[0];
    const candidates = [
      stored && { ...stored, source: "store" as const },
      inFlight && { ...inFlight, source: "in_flight" as const },
      played && { ...played, source: "played" as const },
    ];
    const nearest = candidates.reduce((best, c) =>
      c && (!best || c.similarity > best.similarity) ? c : best,
    );
    if (!nearest) return { maxSimilarity: 0, source: "none" };
    return {
      maxSimilarity: nearest.similarity,
      nearestId: nearest.id,
      nearestText: nearest.text,
      source: nearest.source,
    };
  }

  #decide(report: NoveltyReport): NoveltyScreen {
    const { threshold } = this.options;
    const similarity = report.maxSimilarity.toFixed(3);
    if (report.maxSimilarity < threshold) {
      return {
        novel: true,
        report,
        reason: `novel: nearest known question is ${similarity} similar (limit ${threshold})`,
      };
    }
    const where =
      report.source === "in_flight"
        ? `a question in flight in round ${report.nearestId}`
        : report.source === "played"
          ? `a question already played and rejected in round ${report.nearestId}`
          : `stored question ${report.nearestId}`;
    return {
      novel: false,
      report,
      reason: `duplicate: ${similarity} similar to ${where}, "${truncate(report.nearestText ?? "", 80)}" (limit ${threshold})`,
    };
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
