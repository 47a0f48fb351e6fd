import { appendFile, readFile, truncate, writeFile } from "node:fs/promises";
import { z } from "zod";
import { SerialQueue } from "../../core/serial-queue.ts";
import { ConfigError, SystemError } from "../../protocol/errors.ts";

/**
 * The embedding cache on disk: a one-line JSON header naming the embedder, then fixed-size records of
 * sha256 digest (32 bytes) + vector (float32, little-endian). Append-only, so a crash loses at most the
 * record being written, which the next open cuts off.
 */

const FORMAT = "nanoflux-embedding-cache/1";
const DIGEST_BYTES = 32;
const CacheHeader = z.object({
  format: z.literal(FORMAT),
  embedder: z.string(),
  dims: z.number().int().positive(),
});

export interface CacheEntry {
  digest: Buffer;
  vector: Float32Array;
}

export class EmbeddingCacheFile {
  readonly #queue = new SerialQueue();

  private constructor(
    readonly path: string,
    private readonly dims: number,
  ) {}

  /** Opens (or creates) the file and returns what it holds. */
  static async open(
    path: string,
    embedder: string,
    dims: number,
  ): Promise<{ file: EmbeddingCacheFile; entries: CacheEntry[] }> {
    const file = new EmbeddingCacheFile(path, dims);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw cacheFault("read", path, err);
      await writeFile(path, `${JSON.stringify({ format: FORMAT, embedder, dims })}\n`).catch((e: unknown) => {
        throw cacheFault("create", path, e);
      });
      return { file, entries: [] };
    }
    const headerEnd = bytes.indexOf(0x0a);
    const header = CacheHeader.safeParse(
      parseJsonOrUndefined(bytes.subarray(0, Math.max(headerEnd, 0)).toString("utf8")),
    );
    if (headerEnd < 0 || !header.success) {
      throw new ConfigError(
        `${path} is not a NanoFlux embedding cache; delete it or choose another cache path`,
      );
    }
    if (header.data.embedder !== embedder || header.data.dims !== dims) {
      throw new ConfigError(
        `${path} caches vectors of embedder "${header.data.embedder}" (${header.data.dims} dims), not "${embedder}" ` +
          `(${dims} dims); delete the file or use another run folder`,
      );
    }
    const recordBytes = DIGEST_BYTES + 4 * dims;
    const bodyStart = headerEnd + 1;
    const count = Math.floor((bytes.length - bodyStart) / recordBytes);
    const intactLength = bodyStart + count * recordBytes;
    if (intactLength < bytes.length) await truncate(path, intactLength);
    const entries: CacheEntry[] = [];
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let offset = bodyStart; offset < intactLength; offset += recordBytes) {
      const vector = new Float32Array(dims);
      for (let i = 0; i < dims; i++) vector[i] = view.getFloat32(offset + DIGEST_BYTES + 4 * i, true);
      entries.push({ digest: Buffer.from(bytes.subarray(offset, offset + DIGEST_BYTES)), vector });
    }
    return { file, entries };
  }

  append(entries: readonly CacheEntry[]): Promise<void> {
    const recordBytes = DIGEST_BYTES + 4 * this.dims;
    const out = Buffer.alloc(entries.length * recordBytes);
    entries.forEach((entry, n) => {
      const offset = n * recordBytes;
      entry.digest.copy(out, offset);
      for (const [i, x] of entry.vector.entries()) out.writeFloatLE(x, offset + DIGEST_BYTES + 4 * i);
    });
    return this.#queue.run(async () => {
      await appendFile(this.path, out).catch((err: unknown) => {
        throw cacheFault("write", this.path, err);
      });
    });
  }
}

function cacheFault(action: string, path: string, err: unknown): SystemError {
  return new SystemError(
    `cannot ${action} the embedding cache ${path}: ${(err as Error).message}; check the folder`,
    {
      cause: err,
    },
  );
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
