/**
 * Just enough of the WebAssembly binary format (core spec §5, SIMD proposal opcodes) to emit the proof kernel from
 * TypeScript at run time, so no .wasm file and no assembler package is part of the repository or of `npm ci`.
 */

/** Value types (spec §5.3.1). */
export const ValueType = { i32: 0x7f, v128: 0x7b } as const;
export type ValueType = (typeof ValueType)[keyof typeof ValueType];

/** Core opcodes used by the kernel (spec §5.4). */
export const Op = {
  loop: 0x03,
  if: 0x04,
  end: 0x0b,
  brIf: 0x0d,
  return: 0x0f,
  localGet: 0x20,
  localSet: 0x21,
  i32Load: 0x28,
  i32Store: 0x36,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32LtU: 0x49,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32And: 0x71,
  i32Or: 0x72,
  i32Xor: 0x73,
  i32Shl: 0x74,
  i32ShrU: 0x76,
  i32Rotr: 0x78,
} as const;

/** Opcodes after the 0xfd SIMD prefix (fixed-width SIMD, spec §5.4.8), LEB128-encoded. */
export const SimdOp = {
  v128Store: 0x0b,
  v128Const: 0x0c,
  i32x4Splat: 0x11,
  v128And: 0x4e,
  v128Or: 0x50,
  v128Xor: 0x51,
  v128Bitselect: 0x52,
  i32x4Eq: 0x37,
  i32x4Bitmask: 0xa4,
  i32x4Shl: 0xab,
  i32x4ShrU: 0xad,
  i32x4Add: 0xae,
} as const;

/** The empty block type of `loop` and `if`. */
export const EMPTY_BLOCK_TYPE = 0x40;

/** A growable byte buffer with the spec's integer encodings. */
export class ByteWriter {
  #bytes: number[] = [];

  /** Appends raw bytes. */
  bytes(values: ArrayLike<number>): this {
    for (let i = 0; i < values.length; i++) this.#bytes.push(values[i]! & 0xff);
    return this;
  }

  /** Appends one byte. */
  byte(value: number): this {
    this.#bytes.push(value & 0xff);
    return this;
  }

  /** Unsigned LEB128 (spec §5.2.2). */
  u32(value: number): this {
    let rest = value >>> 0;
    do {
      const low = rest & 0x7f;
      rest >>>= 7;
      this.#bytes.push(rest === 0 ? low : low | 0x80);
    } while (rest !== 0);
    return this;
  }

  /** Signed LEB128 of a 32-bit integer (spec §5.2.2). */
  s32(value: number): this {
    let rest = value | 0;
    for (;;) {
      const low = rest & 0x7f;
      rest >>= 7;
      const done = (rest === 0 && (low & 0x40) === 0) || (rest === -1 && (low & 0x40) !== 0);
      this.#bytes.push(done ? low : low | 0x80);
      if (done) return this;
    }
  }

  /** A SIMD instruction: the 0xfd prefix then its LEB128 opcode. */
  simd(opcode: number): this {
    return this.byte(0xfd).u32(opcode);
  }

  /** A memory argument: alignment exponent and offset. */
  memarg(alignLog2: number, offset: number): this {
    return this.u32(alignLog2).u32(offset);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#bytes.length;
  }

  /** The bytes written, in order. */
  toBytes(): number[] {
    return this.#bytes;
  }
}

/** One function of a module: its signature, its locals (after the parameters) and its body (without `end`). */
export interface WasmFunction {
  readonly name: string;
  readonly params: readonly ValueType[];
  readonly results: readonly ValueType[];
  readonly locals: readonly ValueType[];
  readonly body: readonly number[];
}

/**
 * Encodes a module that defines one memory of `memoryPages` 64-KiB pages (exported as "memory") and `functions`
 * (each exported under its name).
 */
export function encodeWasmModule(functions: readonly WasmFunction[], memoryPages: number): Uint8Array<ArrayBuffer> {
  const out = new ByteWriter().bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  const section = (id: number, content: ByteWriter) => out.byte(id).u32(content.length).bytes(content.toBytes());
  const vector = <T>(items: readonly T[], write: (writer: ByteWriter, item: T) => void) => {
    const writer = new ByteWriter().u32(items.length);
    for (const item of items) write(writer, item);
    return writer;
  };
  const name = (writer: ByteWriter, text: string) =>
    writer.u32(text.length).bytes([...text].map((ch) => ch.charCodeAt(0)));

  section(
    1,
    vector(functions, (w, fn) =>
      w.byte(0x60).u32(fn.params.length).bytes(fn.params).u32(fn.results.length).bytes(fn.results),
    ),
  );
  section(
    3,
    vector(functions, (w, _fn) => w.u32(functions.indexOf(_fn))),
  );
  section(
    5,
    vector([memoryPages], (w, pages) => w.byte(0x00).u32(pages)),
  );
  const exports = [
    ...functions.map((fn, index) => ({ name: fn.name, kind: 0x00, index })),
    { name: 'memory', kind: 0x02, index: 0 },
  ];
  section(
    7,
    vector(exports, (w, entry) => name(w, entry.name).byte(entry.kind).u32(entry.index)),
  );
  section(
    10,
    vector(functions, (w, fn) => {
      // Locals are declared in runs of one type (spec §5.5.13), so consecutive locals of a type share an entry.
      const runs: { count: number; type: ValueType }[] = [];
      for (const type of fn.locals) {
        const last = runs[runs.length - 1];
        if (last !== undefined && last.type === type) last.count++;
        else runs.push({ count: 1, type });
      }
      const code = vector(runs, (c, run) => c.u32(run.count).byte(run.type))
        .bytes(fn.body)
        .byte(Op.end);
      w.u32(code.length).bytes(code.toBytes());
    }),
  );
  return Uint8Array.from(out.toBytes());
}
