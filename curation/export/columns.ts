import { Bool, type DataType, Field, Float64, Int32, List, Schema, Struct, Utf8 } from "apache-arrow";

/**
 * A column of an exported table, described once: its Arrow type (what the Parquet file holds) and its Hugging
 * Face feature (what the dataset card declares) both come from here, so the two cannot drift apart.
 */

export type ScalarType = "string" | "int32" | "float64" | "bool";

/** A struct's fields, each a scalar: `[["role", "string"], ["content", "string"]]`. */
export type StructFields = readonly (readonly [string, ScalarType])[];

export type ColumnType = ScalarType | { list: "string" } | { list: { struct: StructFields } };

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
  /** Whether a row may hold null here (a question without options). */
  readonly nullable?: boolean;
}

/** A feature as the `dataset_info.features` list of a Hugging Face card writes it. */
export type HfFeature =
  | { name: string; dtype: ScalarType }
  | { name: string; list: ScalarType | { name: string; dtype: ScalarType }[] };

function scalarArrowType(type: ScalarType): DataType {
  return {
    string: () => new Utf8(),
    int32: () => new Int32(),
    float64: () => new Float64(),
    bool: () => new Bool(),
  }[type]();
}

export function arrowType(type: ColumnType): DataType {
  if (typeof type === "string") return scalarArrowType(type);
  const item =
    type.list === "string"
      ? new Utf8()
      : new Struct(type.list.struct.map(([name, scalar]) => new Field(name, scalarArrowType(scalar), false)));
  return new List(new Field("item", item, false));
}

export function arrowSchema(columns: readonly Column[]): Schema {
  return new Schema(columns.map((c) => new Field(c.name, arrowType(c.type), c.nullable === true)));
}

export function hfFeature(column: Column): HfFeature {
  const { name, type } = column;
  if (typeof type === "string") return { name, dtype: type };
  if (type.list === "string") return { name, list: "string" };
  return { name, list: type.list.struct.map(([field, dtype]) => ({ name: field, dtype })) };
}
