import { Table, tableToIPC, vectorFromArray } from "apache-arrow";
import { arrowSchema, type Column } from "./columns.ts";

/**
 * Rows to a Parquet file through parquet-wasm (the Rust `parquet` crate compiled to WebAssembly): Arrow vectors
 * built with explicit types (lists of strings, lists of structs: nothing inferred), ZSTD-compressed pages.
 * parquet-wasm's Node build compiles a 5 MB WebAssembly module when it is imported, so it is imported here, on
 * the first Parquet file, not with every command.
 */

type ParquetWasm = typeof import("parquet-wasm");
let parquetWasm: Promise<ParquetWasm> | undefined;

function loadParquetWasm(): Promise<ParquetWasm> {
  // The package's "node" export condition picks its CommonJS build, which loads the .wasm file beside it.
  parquetWasm ??= import("parquet-wasm");
  return parquetWasm;
}

/** The rows as an Arrow table of exactly these columns, in this order. */
export function rowsToTable(rows: readonly Record<string, unknown>[], columns: readonly Column[]): Table {
  const schema = arrowSchema(columns);
  // Arrow builds no table from zero-length vectors; an empty table comes from the schema alone.
  if (rows.length === 0) return new Table(schema);
  const vectors = Object.fromEntries(
    schema.fields.map((field) => [
      field.name,
      vectorFromArray(
        rows.map((row) => row[field.name] ?? null),
        field.type,
      ),
    ]),
  );
  return new Table(schema, vectors);
}

export interface ParquetOptions {
  /** The file's `created_by`. */
  createdBy: string;
}

/** A whole Parquet file: one row group, ZSTD pages, the Arrow schema in its metadata. */
export async function encodeParquet(
  rows: readonly Record<string, unknown>[],
  columns: readonly Column[],
  options: ParquetOptions,
): Promise<Uint8Array> {
  const { Compression, Table: WasmTable, WriterPropertiesBuilder, writeParquet } = await loadParquetWasm();
  const table = WasmTable.fromIPCStream(tableToIPC(rowsToTable(rows, columns), "stream"));
  const properties = new WriterPropertiesBuilder()
    .setCompression(Compression.ZSTD)
    .setCreatedBy(options.createdBy)
    .setMaxRowGroupSize(Math.max(1, rows.length))
    .build();
  return writeParquet(table, properties);
}
