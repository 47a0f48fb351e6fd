/**
 * An independent Parquet reader for tests, written from the format spec (parquet.thrift, Encodings.md) and
 * sharing no code with the writer: a generic Thrift compact decoder, then PLAIN values with definition levels
 * in either RLE or bit-packed runs. Handles uncompressed v1 data pages of BYTE_ARRAY, INT32, INT64 and DOUBLE.
 */

type ThriftValue = number | bigint | boolean | Uint8Array | ThriftValue[] | ThriftStruct;
interface ThriftStruct {
  [fieldId: number]: ThriftValue;
}

class CompactReader {
  pos: number;
  constructor(
    private readonly bytes: Uint8Array,
    start: number,
  ) {
    this.pos = start;
  }

  readStruct(): ThriftStruct {
    const out: ThriftStruct = {};
    let lastId = 0;
    for (;;) {
      const header = this.byte();
      if (header === 0) return out;
      const type = header & 0x0f;
      const delta = header >> 4;
      const id = delta === 0 ? this.zigzag(this.varint()) : lastId + delta;
      lastId = id;
      out[id] = this.value(type);
    }
  }

  private value(type: number): ThriftValue {
    switch (type) {
      case 1:
        return true;
      case 2:
        return false;
      case 3:
        return this.byte();
      case 4:
      case 5:
        return this.zigzag(this.varint());
      case 6: {
        const raw = this.varintBig();
        return (raw >> 1n) ^ -(raw & 1n);
      }
      case 7: {
        const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 8).getFloat64(0, true);
        this.pos += 8;
        return v;
      }
      case 8: {
        const length = this.varint();
        const v = this.bytes.subarray(this.pos, this.pos + length);
        this.pos += length;
        return v;
      }
      case 9:
      case 10: {
        const header = this.byte();
        const size = header >> 4 === 15 ? this.varint() : header >> 4;
        return Array.from({ length: size }, () => this.value(header & 0x0f));
      }
      case 12:
        return this.readStruct();
      default:
        throw new Error(`thrift: unsupported compact type ${type} at byte ${this.pos}`);
    }
  }

  private byte(): number {
    const b = this.bytes[this.pos++];
    if (b === undefined) throw new Error("thrift: read past the end");
    return b;
  }

  varint(): number {
    return Number(this.varintBig());
  }

  private varintBig(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  }

  private zigzag(n: number): number {
    return (n >>> 1) ^ -(n & 1);
  }
}

export interface ParquetColumnInfo {
  name: string;
  physicalType: number;
  optional: boolean;
  /** True when the schema marks the column as UTF8 text (converted or logical type). */
  utf8: boolean;
}

export interface ParquetContents {
  numRows: number;
  createdBy: string | undefined;
  columns: ParquetColumnInfo[];
  rows: Record<string, string | number | bigint | null>[];
}

const text = (v: ThriftValue | undefined) => new TextDecoder().decode(v as Uint8Array);
const num = (v: ThriftValue | undefined) => Number(v as number | bigint);

/** Decodes an RLE / bit-packed hybrid run sequence of `count` values of `bitWidth` bits. */
function hybridDecode(bytes: Uint8Array, bitWidth: number, count: number): number[] {
  const reader = new CompactReader(bytes, 0);
  const values: number[] = [];
  const byteWidth = Math.ceil(bitWidth / 8);
  while (values.length < count) {
    const header = reader.varint();
    if ((header & 1) === 0) {
      let value = 0;
      for (let i = 0; i < byteWidth; i++) value |= (bytes[reader.pos + i] as number) << (8 * i);
      reader.pos += byteWidth;
      for (let i = 0; i < header >> 1; i++) values.push(value);
    } else {
      const groups = header >> 1;
      for (let bit = 0; bit < groups * 8 * bitWidth && values.length < count; bit += bitWidth) {
        let value = 0;
        for (let b = 0; b < bitWidth; b++) {
          const at = bit + b;
          value |= (((bytes[reader.pos + (at >> 3)] as number) >> (at & 7)) & 1) << b;
        }
        values.push(value);
      }
      reader.pos += groups * bitWidth;
    }
  }
  return values.slice(0, count);
}

export function readParquet(file: Uint8Array): ParquetContents {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const magic = (at: number) => new TextDecoder().decode(file.subarray(at, at + 4));
  if (magic(0) !== "PAR1" || magic(file.length - 4) !== "PAR1") throw new Error("not a parquet file");
  const footerLength = view.getUint32(file.length - 8, true);
  const meta = new CompactReader(file, file.length - 8 - footerLength).readStruct();
  const schema = meta[2] as ThriftStruct[];
  const columns: ParquetColumnInfo[] = schema.slice(1).map((element) => {
    const logical = element[10] as ThriftStruct | undefined;
    return {
      name: text(element[4]),
      physicalType: num(element[1]),
      optional: num(element[3]) === 1,
      utf8: element[6] === 0 || (logical !== undefined && 1 in logical),
    };
  });
  const numRows = num(meta[3]);
  const rows = Array.from({ length: numRows }, () => ({}) as Record<string, string | number | bigint | null>);
  let rowBase = 0;
  for (const group of meta[4] as ThriftStruct[]) {
    const groupRows = num(group[3]);
    (group[1] as ThriftStruct[]).forEach((chunk, c) => {
      const info = columns[c] as ParquetColumnInfo;
      const columnMeta = chunk[3] as ThriftStruct;
      if (num(columnMeta[4]) !== 0)
        throw new Error(`column ${info.name}: compressed pages are not supported`);
      const pageReader = new CompactReader(file, num(columnMeta[9]));
      const page = pageReader.readStruct();
      if (num(page[1]) !== 0) throw new Error(`column ${info.name}: only v1 data pages are supported`);
      const body = file.subarray(pageReader.pos, pageReader.pos + num(page[3]));
      const valueCount = num((page[5] as ThriftStruct)[1]);
      let at = 0;
      let present = Array.from({ length: valueCount }, () => 1);
      if (info.optional) {
        const length = new DataView(body.buffer, body.byteOffset).getUint32(0, true);
        present = hybridDecode(body.subarray(4, 4 + length), 1, valueCount);
        at = 4 + length;
      }
      const data = new DataView(body.buffer, body.byteOffset, body.byteLength);
      present.forEach((isPresent, i) => {
        let value: string | number | bigint | null = null;
        if (isPresent) {
          if (info.physicalType === 6) {
            const length = data.getUint32(at, true);
            const bytes = body.subarray(at + 4, at + 4 + length);
            value = info.utf8 ? new TextDecoder().decode(bytes) : Buffer.from(bytes).toString("hex");
            at += 4 + length;
          } else if (info.physicalType === 1) {
            value = data.getInt32(at, true);
            at += 4;
          } else if (info.physicalType === 2) {
            value = data.getBigInt64(at, true);
            at += 8;
          } else if (info.physicalType === 5) {
            value = data.getFloat64(at, true);
            at += 8;
          } else throw new Error(`column ${info.name}: physical type ${info.physicalType} is not supported`);
        }
        (rows[rowBase + i] as Record<string, unknown>)[info.name] = value;
      });
    });
    rowBase += groupRows;
  }
  return { numRows, createdBy: meta[6] === undefined ? undefined : text(meta[6]), columns, rows };
}
