import { SerialQueue } from "../core/serial-queue.ts";
import type { NoveltyReport } from "../protocol/schemas.ts";
import type { Embedder } from "./embedder.ts";
import { nearestInMemory } from "./nearest-in-memory.ts";
import type { QuestionRow, QuestionStore } from "./question-store.ts";

/**
 * The novelty gate: a question is new when its cosine similarity to every stored question and to every
 * question still in flight stays below the threshold. A question that passes is reserved under its round, so
 * two rounds proposing the same question at once cannot both pass; the round then commits it to the store
 * (accepted) or releases it (rejected or failed). Within one process the check-and-reserve is atomic.
 */

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
}

/** Questions already played and rejected that a gate remembers, oldest forgotten first. */
const MAX_PLAYED = 10_000;

interface Reservation {
  text: string;
  vector: Float32Array;
  report: NoveltyReport;
  at: number;
}

const DEFAULT_RESERVATION_TTL_MS = 30 * 60_000;

export class NoveltyGate {
  readonly #reservations = new Map<string, Reservation>();
  /** Rounds whose question was played and rejected for itself (quality, outcome, validity): replays die early. */
  readonly #played = new Map<string, Reservation>();
  readonly #queue = new SerialQueue();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(private readonly options: NoveltyGateOptions) {
    this.#ttlMs = options.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS;
    this.#now = options.now ?? Date.now;
  }

  /** Checks a round's question and reserves it when novel. A round that holds a reservation passes at once. */
  async screen(roundId: string, text: string): Promise<NoveltyScreen> {
    const held = this.#reservations.get(roundId);
    if (held && held.text === text) return this.#decide(held.report);
    const [vector] = await this.options.embedder.embed([text]);
    return this.#queue.run(async () => {
      this.#dropExpired();
      this.#reservations.delete(roundId);
      const report = await this.#nearest(vector as Float32Array);
      const screen = this.#decide(report);
      if (screen.novel)
        this.#reservations.set(roundId, { text, vector: vector as Float32Array, report, at: this.#now() });
      return screen;
    });
  }

  /** Moves the round's question into the store. Works without a reservation too (e.g. after a restart). */
  async commit(roundId: string, row: Omit<QuestionRow, "roundId" | "vector">): Promise<void> {
    const held = this.#reservations.get(roundId);
    const vector =
      held?.text === row.text
        ? held.vector
        : ((await this.options.embedder.embed([row.text]))[0] as Float32Array);
    // Stored before the reservation goes, so a concurrent screen always finds the question in one of the two.
    await this.options.store.add([{ ...row, roundId, vector }]);
    this.#reservations.delete(roundId);
  }

  /**
   * Drops the round's reservation. With `played`, the question was judged and rejected for itself, so a later
   * proposal of it is a duplicate too (when the gate screens replays); otherwise it may be proposed again.
   */
  release(roundId: string, options: { played?: boolean } = {}): void {
    const held = this.#reservations.get(roundId);
    this.#reservations.delete(roundId);
    if (!held || !options.played || !this.options.screenReplays) return;
    this.#played.set(roundId, held);
    if (this.#played.size > MAX_PLAYED) this.#played.delete(this.#played.keys().next().value as string);
  }

  get inFlight(): number {
    return this.#reservations.size;
  }

  async #nearest(vector: Float32Array): Promise<NoveltyReport> {
    // In-flight first, synchronously: a commit finishing during the store query is then seen in one place.
    const inMemory = (entries: Map<string, Reservation>) =>
      nearestInMemory(
        [...entries].map(([roundId, r]) => ({ id: roundId, text: r.text, vector: r.vector })),
        vector,
        1,
      )[0];
    const flying = inMemory(this.#reservations);
    const played = inMemory(this.#played);
    const stored = (await this.options.store.nearest(vector, 1))[0];
    const candidates = [
      stored && { ...stored, source: "store" as const },
      flying && { ...flying, source: "in_flight" as const },
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

  #dropExpired(): void {
    const oldest = this.#now() - this.#ttlMs;
    for (const [roundId, reservation] of this.#reservations)
      if (reservation.at < oldest) this.#reservations.delete(roundId);
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
