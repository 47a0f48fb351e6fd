import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parquetMetadata, parquetReadObjects, parquetSchema } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { z } from "zod";

/**
 * Readers that share no code with the export's writer: hyparquet (a JavaScript Parquet implementation of its
 * own) for the Parquet files, and Python's `datasets` and `pyarrow` for the folder as a Hugging Face user loads
 * it. hyparquet's ZSTD codec is hyparquet-compressors (fzstd), another implementation than the writer's.
 *
 * Python is installed in CI (.ci/run), which sets NANOFLUX_REQUIRE_PYTHON_READER=1: there a missing Python
 * reader fails the tests; elsewhere the tests that need it are skipped, saying why.
 */

const run = promisify(execFile);

export const REQUIRE_PYTHON = process.env.NANOFLUX_REQUIRE_PYTHON_READER === "1";

/** Whether python3 can import datasets and pyarrow; the reason when it cannot. */
export async function pythonReader(): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    await run("python3", ["-c", "import datasets, pyarrow"], { timeout: 60_000 });
    return { ok: true };
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? (err as Error).message).trim();
    return { ok: false, reason: stderr.split("\n").at(-1) ?? "python3 failed" };
  }
}

/** How a test names what it skipped, when Python's reader is missing here. */
export function pythonSkipNote(reader: { ok: true } | { ok: false; reason: string }): string {
  return reader.ok || REQUIRE_PYTHON
    ? ""
    : ` [skipped: python3 cannot import datasets and pyarrow (${reader.reason}); set NANOFLUX_REQUIRE_PYTHON_READER=1 to fail instead]`;
}

/** Python environment for the child: every cache in a folder of its own, never the network. */
function pythonEnv(home: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HF_HOME: home,
    HF_DATASETS_OFFLINE: "1",
    HF_HUB_OFFLINE: "1",
    PYTHONHASHSEED: "0",
  };
}

async function runPython(script: string, args: string[]): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), "nf-py-"));
  try {
    const file = join(home, "script.py");
    await writeFile(file, script);
    const { stdout } = await run("python3", [file, ...args], {
      env: pythonEnv(home),
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------
// hyparquet

export interface HyparquetFile {
  numRows: number;
  createdBy: string | undefined;
  /** Codec of every column chunk, by its dotted path. */
  codecs: Record<string, string>;
  /** The schema as hyparquet reads it: top-level columns with their Parquet repetition and children. */
  columns: { name: string; repetition: string | undefined; children: string[] }[];
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** The file's metadata as hyparquet reads it: no page is decompressed. */
export function hyparquetMetadata(bytes: Uint8Array): HyparquetFile {
  const metadata = parquetMetadata(toArrayBuffer(bytes));
  const codecs: Record<string, string> = {};
  for (const group of metadata.row_groups)
    for (const chunk of group.columns)
      if (chunk.meta_data) codecs[chunk.meta_data.path_in_schema.join(".")] = chunk.meta_data.codec;
  const tree = parquetSchema(metadata);
  return {
    numRows: Number(metadata.num_rows),
    createdBy: metadata.created_by,
    codecs,
    columns: tree.children.map((child) => ({
      name: child.element.name,
      repetition: child.element.repetition_type,
      children: child.children.map((c) => c.element.name),
    })),
  };
}

/** Every row, as hyparquet decodes them. */
export async function hyparquetRows(bytes: Uint8Array): Promise<Record<string, unknown>[]> {
  return (await parquetReadObjects({
    file: toArrayBuffer(bytes),
    compressors,
    rowFormat: "object",
  })) as Record<string, unknown>[];
}

// ---------------------------------------------------------------------------------------------------------
// Python's datasets, pyarrow and huggingface_hub

const LOAD = `
import json, sys, warnings
warnings.filterwarnings("ignore")
import datasets, pyarrow.parquet as pq
from huggingface_hub import DatasetCard
datasets.disable_progress_bars()
datasets.logging.set_verbosity_error()
folder, configs = sys.argv[1], json.loads(sys.argv[2])

def kind(value):
    return type(value).__name__

out = {"card": DatasetCard.load(folder + "/README.md").data.to_dict(), "loads": {}, "parquet": {}}
for name in [None] + configs:
    loaded = datasets.load_dataset(folder, name)
    out["loads"][name or ""] = {
        split: {
            "config": ds.config_name if hasattr(ds, "config_name") else None,
            "rows": ds.num_rows,
            "columns": ds.column_names,
            "arrow": {f.name: str(f.type) for f in ds.data.schema},
            "first": {k: kind(v) for k, v in ds[0].items()},
            "rows_json": [dict(row) for row in ds],
        }
        for split, ds in loaded.items()
    }
for entry in out["card"].get("configs", []):
    for data_file in entry["data_files"]:
        path = folder + "/" + data_file["path"]
        meta = pq.read_metadata(path)
        out["parquet"][data_file["path"]] = {
            "rows": meta.num_rows,
            "codecs": sorted({meta.row_group(g).column(c).compression for g in range(meta.num_row_groups) for c in range(meta.num_columns)}),
            "schema": {f.name: str(f.type) for f in pq.read_schema(path)},
        }
print(json.dumps(out, default=str))
`;

const SplitLoad = z.object({
  rows: z.number(),
  columns: z.array(z.string()),
  arrow: z.record(z.string(), z.string()),
  first: z.record(z.string(), z.string()),
  rows_json: z.array(z.record(z.string(), z.unknown())),
});
export const PythonLoad = z.object({
  card: z.record(z.string(), z.unknown()),
  /** Config name ("" for none given) -> split -> what datasets loaded. */
  loads: z.record(z.string(), z.record(z.string(), SplitLoad)),
  /** Parquet file (relative path) -> what pyarrow reads in it. */
  parquet: z.record(
    z.string(),
    z.object({ rows: z.number(), codecs: z.array(z.string()), schema: z.record(z.string(), z.string()) }),
  ),
});
export type PythonLoad = z.infer<typeof PythonLoad>;

/**
 * `datasets.load_dataset(folder)` with no config, then with each config named; the card as huggingface_hub
 * parses it; each data file's Parquet metadata as pyarrow reads it.
 */
export async function loadWithPython(folder: string, configs: readonly string[]): Promise<PythonLoad> {
  return PythonLoad.parse(JSON.parse(await runPython(LOAD, [folder, JSON.stringify(configs)])));
}
