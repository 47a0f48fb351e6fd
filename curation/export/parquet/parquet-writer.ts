import { DataType, Precision, type Table, type Vector } from "apache-arrow";
import { SystemError } from "../../../protocol/errors.ts";
import { CompactWriter } from "./thrift-compact.ts";

/**
 * A minimal Parquet writer (no installed package writes Parquet: apache-arrow JS and LanceDB only read their
 * own formats). One row group, one uncompressed data page (v1) per column, PLAIN values, RLE definition
 * levels for nullable columns; columns of UTF8 strings, INT32 and DOUBLE. Enough for a training set of a few
 * thousand rows, readable by pyarrow, pandas, DuckDB and Hugging Face datasets.
 * Spec: https://github.com/apache/parquet-format (parquet.thrift for the footer structures).
 */

const MAGIC = new TextEncoder().encode("PAR1");
/** parquet.thrift enum values used here. */
const Type = { int32: 1, double: 5, byteArray: 6 } as const;
const Repetition = { required: 0, optional: 1 } as const;
const Encoding = { plain: 0, rle: 3 } as const;
const CONVERTED_UTF8 = 0;
const PAGE_DATA = 0;
const CODEC_UNCOMPRESSED = 0;

type ColumnKind = "utf8" | "int32" | "double";

interface EncodedColumn {
  name: string;
  kind: ColumnKind;
  nullable: boolean;
  /** Page header + page body. */
  chunk: Uint8Array;
}

function kindOf(name: string, type: DataType): ColumnKind {
  if (DataType.isUtf8(type)) return "utf8";
  if (DataType.isInt(type) && type.bitWidth === 32 && type.isSigned) return "int32";
  if (DataType.isFloat(type) && type.precision === Precision.DOUBLE) return "double";
  throw new SystemError(
    `parquet writer: column "${name}" is ${type}; only Utf8, Int32 and Float64 columns are supported`,
  );
}

function physicalType(kind: ColumnKind): number {
  return kind === "utf8" ? Type.byteArray : kind === "int32" ? Type.int32 : Type.double;
}

/** PLAIN encoding of the non-null values. */
function plainValues(kind: ColumnKind, values: readonly (string | number)[]): Uint8Array {
  if (kind === "utf8") {
    const encoded = values.map((v) => Buffer.from(String(v), "utf8"));
    const out = Buffer.alloc(encoded.reduce((n, b) => n + 4 + b.length, 0));
    let at = 0;
    for (const bytes of encoded) {
      out.writeUInt32LE(bytes.length, at);
      bytes.copy(out, at + 4);
      at += 4 + bytes.length;
    }
    return out;
  }
  const width = kind === "int32" ? 4 : 8;
  const out = Buffer.alloc(values.length * width);
  values.forEach((v, i) => {
    if (kind === "int32") out.writeInt32LE(Number(v), i * width);
    else out.writeDoubleLE(Number(v), i * width);
  });
  return out;
}

/** Definition levels (1 = present, 0 = null) as RLE runs, length-prefixed as data page v1 wants them. */
function definitionLevels(present: readonly boolean[]): Uint8Array {
  const runs: number[] = [];
  for (let start = 0; start < present.length; ) {
    let end = start;
    while (end < present.length && present[end] === present[start]) end++;
    runs.push(...varint((end - start) << 1), present[start] ? 1 : 0);
    start = end;
  }
  const out = Buffer.alloc(4 + runs.length);
  out.writeUInt32LE(runs.length, 0);
  Buffer.from(runs).copy(out, 4);
  return out;
}

function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return bytes;
}

function encodeColumn(name: string, vector: Vector, nullable: boolean): EncodedColumn {
  const kind = kindOf(name, vector.type);
  const cells = Array.from({ length: vector.length }, (_, i) => vector.get(i) as string | number | null);
  const present = cells.map((cell) => cell !== null && cell !== undefined);
  if (!nullable && present.includes(false)) {
    throw new SystemError(`parquet writer: column "${name}" is not nullable but holds nulls`);
  }
  const values = plainValues(kind, cells.filter((_, i) => present[i]) as (string | number)[]);
  const body = Buffer.concat(nullable ? [definitionLevels(present), values] : [values]);
  const header = new CompactWriter()
    .i32(1, PAGE_DATA)
    .i32(2, body.length)
    .i32(3, body.length)
    .struct(5, (page) =>
      page.i32(1, cells.length).i32(2, Encoding.plain).i32(3, Encoding.rle).i32(4, Encoding.rle),
    )
    .finish();
  return { name, kind, nullable, chunk: Buffer.concat([header, body]) };
}

interface PlacedColumn extends EncodedColumn {
  /** Byte offset of the column chunk in the file. */
  offset: number;
}

/** The schema: a root element with the columns as its children. */
type SchemaElement = { root: true; children: number } | { root: false; column: EncodedColumn };

function writeSchemaElement(w: CompactWriter, element: SchemaElement): void {
  if (element.root) {
    w.binary(4, "schema").i32(5, element.children);
    return;
  }
  const { column } = element;
  w.i32(1, physicalType(column.kind))
    .i32(3, column.nullable ? Repetition.optional : Repetition.required)
    .binary(4, column.name);
  // Both the legacy converted type and the logical type, so old and new readers see strings, not bytes.
  if (column.kind === "utf8") w.i32(6, CONVERTED_UTF8).struct(10, (logical) => logical.struct(1, () => {}));
}

function writeColumnChunk(w: CompactWriter, column: PlacedColumn, numRows: number): void {
  w.i64(2, column.offset).struct(3, (meta) =>
    meta
      .i32(1, physicalType(column.kind))
      .listOfI32(2, column.nullable ? [Encoding.plain, Encoding.rle] : [Encoding.plain])
      .listOfBinary(3, [column.name])
      .i32(4, CODEC_UNCOMPRESSED)
      .i64(5, numRows)
      .i64(6, column.chunk.length)
      .i64(7, column.chunk.length)
      .i64(9, column.offset),
  );
}

function footer(columns: readonly PlacedColumn[], numRows: number): Uint8Array {
  const schema: SchemaElement[] = [
    { root: true, children: columns.length },
    ...columns.map((column) => ({ root: false as const, column })),
  ];
  const totalBytes = columns.reduce((n, c) => n + c.chunk.length, 0);
  return new CompactWriter()
    .i32(1, 1)
    .listOfStructs(2, schema, writeSchemaElement)
    .i64(3, numRows)
    .listOfStructs(4, [columns], (rowGroup) => {
      rowGroup
        .listOfStructs(1, columns, (w, column) => writeColumnChunk(w, column, numRows))
        .i64(2, totalBytes)
        .i64(3, numRows);
    })
    .binary(6, "nanoflux parquet writer")
    .finish();
}

/** The table as the bytes of a Parquet file. Arrow fields marked nullable become OPTIONAL columns. */
export function encodeParquet(table: Table): Uint8Array {
  const columns = table.schema.fields.map((field) => {
    const vector = table.getChild(field.name);
    if (!vector) throw new SystemError(`parquet writer: the table has no data for column "${field.name}"`);
    return encodeColumn(field.name, vector, field.nullable);
  });
  let offset = MAGIC.length;
  const placed = columns.map((column): PlacedColumn => {
    const at = offset;
    offset += column.chunk.length;
    return { ...column, offset: at };
  });
  const meta = footer(placed, table.numRows);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(meta.length, 0);
  return Buffer.concat([MAGIC, ...columns.map((c) => c.chunk), meta, length, MAGIC]);
}
