/**
 * The part of the Thrift compact protocol a Parquet footer needs: structs of i32, i64, binary, struct and
 * list fields. Field headers carry the id as a delta from the previous field of the same struct.
 */

export const CompactType = { i32: 5, i64: 6, binary: 8, list: 9, struct: 12 } as const;
type CompactTypeCode = (typeof CompactType)[keyof typeof CompactType];

export class CompactWriter {
  readonly #bytes: number[] = [];
  /** Last field id written, per open struct. */
  readonly #lastField: number[] = [0];

  i32(id: number, value: number): this {
    this.#field(id, CompactType.i32);
    this.#varint(BigInt(zigzag(value)));
    return this;
  }

  i64(id: number, value: number): this {
    this.#field(id, CompactType.i64);
    const n = BigInt(value);
    this.#varint((n << 1n) ^ (n >> 63n));
    return this;
  }

  binary(id: number, value: string | Uint8Array): this {
    this.#field(id, CompactType.binary);
    this.#binaryValue(value);
    return this;
  }

  struct(id: number, write: (w: CompactWriter) => void): this {
    this.#field(id, CompactType.struct);
    this.#structValue(write);
    return this;
  }

  listOfStructs<T>(id: number, items: readonly T[], write: (w: CompactWriter, item: T) => void): this {
    this.#listHeader(id, items.length, CompactType.struct);
    for (const item of items) this.#structValue((w) => write(w, item));
    return this;
  }

  listOfI32(id: number, items: readonly number[]): this {
    this.#listHeader(id, items.length, CompactType.i32);
    for (const item of items) this.#varint(BigInt(zigzag(item)));
    return this;
  }

  listOfBinary(id: number, items: readonly string[]): this {
    this.#listHeader(id, items.length, CompactType.binary);
    for (const item of items) this.#binaryValue(item);
    return this;
  }

  /** The bytes of a top-level struct written so far, with its stop byte. */
  finish(): Uint8Array {
    this.#bytes.push(0);
    return Uint8Array.from(this.#bytes);
  }

  #field(id: number, type: CompactTypeCode): void {
    const delta = id - (this.#lastField.at(-1) as number);
    if (delta > 0 && delta <= 15) this.#bytes.push((delta << 4) | type);
    else {
      this.#bytes.push(type);
      this.#varint(BigInt(zigzag(id)));
    }
    this.#lastField[this.#lastField.length - 1] = id;
  }

  #structValue(write: (w: CompactWriter) => void): void {
    this.#lastField.push(0);
    write(this);
    this.#bytes.push(0);
    this.#lastField.pop();
  }

  #listHeader(id: number, size: number, elementType: CompactTypeCode): void {
    this.#field(id, CompactType.list);
    if (size < 15) this.#bytes.push((size << 4) | elementType);
    else {
      this.#bytes.push(0xf0 | elementType);
      this.#varint(BigInt(size));
    }
  }

  #binaryValue(value: string | Uint8Array): void {
    const bytes = typeof value === "string" ? new TextEncoder().encode(value) : value;
    this.#varint(BigInt(bytes.length));
    for (const b of bytes) this.#bytes.push(b);
  }

  #varint(value: bigint): void {
    let rest = value;
    while (rest >= 0x80n) {
      this.#bytes.push(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    this.#bytes.push(Number(rest));
  }
}

function zigzag(n: number): number {
  return ((n << 1) ^ (n >> 31)) >>> 0;
}
