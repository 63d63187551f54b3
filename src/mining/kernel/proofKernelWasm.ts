import { SHA256_K } from './sha256Midstate.js';
import type { WasmFunction } from './wasmBinary.js';
import { ByteWriter, EMPTY_BLOCK_TYPE, encodeWasmModule, Op, SimdOp, ValueType } from './wasmBinary.js';

// Generates, at run time, the WebAssembly module that compresses the second SHA-256 block of an 85-byte header for
// many proofs at once; why this shape: docs/MINING.md ("The generated wasm kernel").

/** Byte offsets in the kernel's memory. The caller writes the inputs and reads the outputs there. */
export const KernelLayout = {
  /** 8 words: the midstate (chaining value after the header's first 64 bytes). */
  midstate: 0,
  /** 5 words: message words W0..W4 of the second block. */
  words: 32,
  /** 1 word: the mask of the difficulty's leading bits on digest word 0. */
  mask: 64,
  /** `digest` output: word j of lane i (proof `from + i`) at `out + 4 * (j * lanes + i)`. */
  out: 128,
} as const;

/** Shape of a generated kernel. */
export interface ProofKernelShape {
  /** true: i32x4 lanes (4 proofs per vector); false: scalar i32 (one proof per stream). */
  readonly simd: boolean;
  /** Independent vectors (or scalars) per loop iteration, interleaved round by round. */
  readonly streams: number;
}

/** Proofs one loop iteration of a kernel of this shape covers. */
export function lanesOf(shape: ProofKernelShape): number {
  return shape.streams * (shape.simd ? 4 : 1);
}

/**
 * The module's exports:
 * - `scan(from, to)`: tries last-byte values from, from + lanes, … below `to` (multiples of `lanes`, to ≤ 256) and
 *   returns `(first * 65536) | hits` for the first iteration with a passing lane (bit i of `hits`: `first + i`), or -1;
 * - `digest(from)`: stores the full digests of last-byte values from … from + lanes - 1 at `KernelLayout.out`.
 */
export function buildProofKernelWasm(shape: ProofKernelShape): Uint8Array<ArrayBuffer> {
  const lanes = lanesOf(shape);
  if (!Number.isInteger(shape.streams) || shape.streams < 1 || 256 % lanes !== 0 || lanes > 16) {
    throw new RangeError('lanes per iteration must divide 256 and be at most 16');
  }
  return encodeWasmModule([generate(shape, 'scan'), generate(shape, 'digest')], 1);
}

type Value =
  | { readonly kind: 'const'; readonly value: number }
  | { readonly kind: 'inv'; readonly local: number }
  | { readonly kind: 'var'; readonly local: number };

const constant = (value: number): Value => ({ kind: 'const', value: value | 0 });

type Binary = 'add' | 'xor' | 'and' | 'or';

const SCALAR_BINARY: Record<Binary, number> = { add: Op.i32Add, xor: Op.i32Xor, and: Op.i32And, or: Op.i32Or };
const SIMD_BINARY: Record<Binary, number> = {
  add: SimdOp.i32x4Add,
  xor: SimdOp.v128Xor,
  and: SimdOp.v128And,
  or: SimdOp.v128Or,
};
const FOLD: Record<Binary, (x: number, y: number) => number> = {
  add: (x, y) => (x + y) | 0,
  xor: (x, y) => x ^ y,
  and: (x, y) => x & y,
  or: (x, y) => x | y,
};

/** The partial evaluator: emits invariant code into `prologue` and per-try code into `body`. */
class KernelEmitter {
  readonly locals: ValueType[] = [];
  readonly prologue = new ByteWriter();
  readonly body = new ByteWriter();
  readonly #splats = new Map<string, number>();
  readonly #results = new Map<string, Value>();

  constructor(
    readonly simd: boolean,
    readonly paramCount: number,
  ) {}

  get varType(): ValueType {
    return this.simd ? ValueType.v128 : ValueType.i32;
  }

  newLocal(type: ValueType): number {
    this.locals.push(type);
    return this.paramCount + this.locals.length - 1;
  }

  /** A per-call invariant loaded from memory. */
  load(offset: number): Value {
    const local = this.newLocal(ValueType.i32);
    this.prologue.byte(Op.i32Const).s32(0).byte(Op.i32Load).memarg(2, offset).byte(Op.localSet).u32(local);
    return { kind: 'inv', local };
  }

  /** Pushes a constant or invariant as a scalar, in the prologue. */
  #pushScalar(value: Value): void {
    if (value.kind === 'const') this.prologue.byte(Op.i32Const).s32(value.value);
    else if (value.kind === 'inv') this.prologue.byte(Op.localGet).u32(value.local);
    else throw new Error('a per-try value cannot be used in the prologue');
  }

  /** Pushes any value in the body, as a vector when SIMD (splats are hoisted into the prologue once each). */
  pushVar(value: Value): void {
    if (value.kind === 'var') {
      this.body.byte(Op.localGet).u32(value.local);
      return;
    }
    if (!this.simd) {
      if (value.kind === 'const') this.body.byte(Op.i32Const).s32(value.value);
      else this.body.byte(Op.localGet).u32(value.local);
      return;
    }
    const key = keyOf(value);
    let local = this.#splats.get(key);
    if (local === undefined) {
      local = this.newLocal(ValueType.v128);
      this.#pushScalar(value);
      this.prologue.simd(SimdOp.i32x4Splat).byte(Op.localSet).u32(local);
      this.#splats.set(key, local);
    }
    this.body.byte(Op.localGet).u32(local);
  }

  #newInv(): Value {
    const local = this.newLocal(ValueType.i32);
    this.prologue.byte(Op.localSet).u32(local);
    return { kind: 'inv', local };
  }

  /** Stores the top of the body's stack in a new per-try local. */
  setVar(): Value {
    const local = this.newLocal(this.varType);
    this.body.byte(Op.localSet).u32(local);
    return { kind: 'var', local };
  }

  binary(op: Binary, x: Value, y: Value): Value {
    if (x.kind === 'const' && y.kind === 'const') return constant(FOLD[op](x.value, y.value));
    if ((op === 'add' || op === 'xor' || op === 'or') && isZero(x)) return y;
    if ((op === 'add' || op === 'xor' || op === 'or') && isZero(y)) return x;
    // Every local is assigned once and the body is straight-line code, so an earlier result can be reused.
    const key = `${op} ${keyOf(x)} ${keyOf(y)}`;
    const known = this.#results.get(key);
    if (known !== undefined) return known;
    const result = this.#emitBinary(op, x, y);
    this.#results.set(key, result);
    // The four operations are commutative.
    this.#results.set(`${op} ${keyOf(y)} ${keyOf(x)}`, result);
    return result;
  }

  #emitBinary(op: Binary, x: Value, y: Value): Value {
    if (x.kind !== 'var' && y.kind !== 'var') {
      this.#pushScalar(x);
      this.#pushScalar(y);
      this.prologue.byte(SCALAR_BINARY[op]);
      return this.#newInv();
    }
    this.pushVar(x);
    this.pushVar(y);
    if (this.simd) this.body.simd(SIMD_BINARY[op]);
    else this.body.byte(SCALAR_BINARY[op]);
    return this.setVar();
  }

  /** Sum of terms, constants and invariants first so that their partial sum is computed once per call. */
  sum(...terms: Value[]): Value {
    const rank = { const: 0, inv: 1, var: 2 } as const;
    const sorted = [...terms].sort((p, q) => rank[p.kind] - rank[q.kind]);
    return sorted.reduce((acc, term) => this.binary('add', acc, term));
  }

  #shift(kind: 'shl' | 'shr', x: Value, bits: number): Value {
    if (x.kind === 'const') return constant(kind === 'shl' ? x.value << bits : x.value >>> bits);
    if (x.kind === 'inv') {
      this.#pushScalar(x);
      this.prologue
        .byte(Op.i32Const)
        .s32(bits)
        .byte(kind === 'shl' ? Op.i32Shl : Op.i32ShrU);
      return this.#newInv();
    }
    this.pushVar(x);
    this.body.byte(Op.i32Const).s32(bits);
    if (this.simd) this.body.simd(kind === 'shl' ? SimdOp.i32x4Shl : SimdOp.i32x4ShrU);
    else this.body.byte(kind === 'shl' ? Op.i32Shl : Op.i32ShrU);
    return this.setVar();
  }

  shr(x: Value, bits: number): Value {
    return this.#shift('shr', x, bits);
  }

  shl(x: Value, bits: number): Value {
    return this.#shift('shl', x, bits);
  }

  rotr(x: Value, bits: number): Value {
    if (x.kind === 'const') return constant((x.value >>> bits) | (x.value << (32 - bits)));
    if (x.kind === 'var' && this.simd) {
      return this.binary('or', this.#shift('shr', x, bits), this.#shift('shl', x, 32 - bits));
    }
    const writer = x.kind === 'inv' ? this.prologue : this.body;
    writer.byte(Op.localGet).u32(x.local).byte(Op.i32Const).s32(bits).byte(Op.i32Rotr);
    return x.kind === 'inv' ? this.#newInv() : this.setVar();
  }

  /** FIPS 180-4 Ch(e, f, g) = (e AND f) XOR (NOT e AND g): a bit select by e. */
  choose(e: Value, f: Value, g: Value): Value {
    if (this.simd && (e.kind === 'var' || f.kind === 'var' || g.kind === 'var')) return this.#bitselect(f, g, e);
    return this.binary('xor', g, this.binary('and', e, this.binary('xor', f, g)));
  }

  /**
   * FIPS 180-4 Maj(a, b, c): where a and b agree, their bit, elsewhere c's. With SIMD that is one bitselect on
   * a XOR b (measured a little faster); in scalar code b XOR ((a XOR b) AND (b XOR c)), where b XOR c is the previous
   * round's a XOR b, which the memo of `binary` returns without emitting it again.
   */
  majority(a: Value, b: Value, c: Value): Value {
    const differ = this.binary('xor', a, b);
    if (this.simd && [a, b, c].some((value) => value.kind === 'var')) return this.#bitselect(c, a, differ);
    return this.binary('xor', b, this.binary('and', differ, this.binary('xor', b, c)));
  }

  /** v128.bitselect: bits of `ifSet` where `selector` is 1, of `ifClear` elsewhere. */
  #bitselect(ifSet: Value, ifClear: Value, selector: Value): Value {
    this.pushVar(ifSet);
    this.pushVar(ifClear);
    this.pushVar(selector);
    this.body.simd(SimdOp.v128Bitselect);
    return this.setVar();
  }
}

const keyOf = (value: Value) => (value.kind === 'const' ? `c${value.value}` : `l${value.local}`);
const isZero = (value: Value) => value.kind === 'const' && value.value === 0;

/** FIPS 180-4 §4.1.2 functions, expressed with the emitter. */
const bigSigma0 = (k: KernelEmitter, x: Value) =>
  k.binary('xor', k.binary('xor', k.rotr(x, 2), k.rotr(x, 13)), k.rotr(x, 22));
const bigSigma1 = (k: KernelEmitter, x: Value) =>
  k.binary('xor', k.binary('xor', k.rotr(x, 6), k.rotr(x, 11)), k.rotr(x, 25));
const smallSigma0 = (k: KernelEmitter, x: Value) =>
  k.binary('xor', k.binary('xor', k.rotr(x, 7), k.rotr(x, 18)), k.shr(x, 3));
const smallSigma1 = (k: KernelEmitter, x: Value) =>
  k.binary('xor', k.binary('xor', k.rotr(x, 17), k.rotr(x, 19)), k.shr(x, 10));

/** The second block's bit-length word: the header is 85 bytes = 680 bits (FIPS 180-4 §5.1.1). */
const MESSAGE_BITS = 85 * 8;

function generate(shape: ProofKernelShape, kind: 'scan' | 'digest'): WasmFunction {
  const lanes = lanesOf(shape);
  // Parameters: scan(from, to) / digest(from); then one i32 local for the loop counter.
  const paramCount = kind === 'scan' ? 2 : 1;
  const k = new KernelEmitter(shape.simd, paramCount);
  const FROM = 0;
  const TO = 1;
  const lane = k.newLocal(ValueType.i32);
  const hits = k.newLocal(ValueType.i32);

  const midstate = Array.from({ length: 8 }, (_, i) => k.load(KernelLayout.midstate + 4 * i));
  const fixedWords = Array.from({ length: 5 }, (_, i) => k.load(KernelLayout.words + 4 * i));
  const mask = kind === 'scan' ? k.load(KernelLayout.mask) : constant(0);

  // W5 of each stream: (last proof byte << 24) | 0x00800000 (the 0x80 pad byte follows the header's last byte).
  const lastWords: Value[] = [];
  for (let s = 0; s < shape.streams; s++) {
    if (shape.simd) {
      k.body.byte(Op.localGet).u32(lane).simd(SimdOp.i32x4Splat);
      k.body.simd(SimdOp.v128Const).bytes(laneOffsets(4 * s));
      k.body.simd(SimdOp.i32x4Add);
    } else {
      k.body.byte(Op.localGet).u32(lane).byte(Op.i32Const).s32(s).byte(Op.i32Add);
    }
    const byteValue = k.setVar();
    lastWords.push(k.binary('or', k.shl(byteValue, 24), constant(0x00800000)));
  }

  const words: Value[][] = lastWords.map((w5) => [
    ...fixedWords,
    w5,
    ...Array.from({ length: 9 }, () => constant(0)),
    constant(MESSAGE_BITS),
  ]);
  const states: Value[][] = lastWords.map(() => [...midstate]);
  for (let t = 0; t < 64; t++) {
    for (let s = 0; s < shape.streams; s++) {
      const w = words[s]!;
      if (t >= 16) {
        w[t] = k.sum(smallSigma1(k, w[t - 2]!), w[t - 7]!, smallSigma0(k, w[t - 15]!), w[t - 16]!);
      }
      states[s] = round(k, states[s]!, SHA256_K[t]!, w[t]!);
    }
  }

  if (kind === 'scan') {
    for (let s = 0; s < shape.streams; s++) {
      const first = k.binary('add', states[s]![0]!, midstate[0]!);
      const passed = k.binary('and', first, mask);
      k.pushVar(passed);
      if (shape.simd) {
        k.pushVar(constant(0));
        k.body.simd(SimdOp.i32x4Eq).simd(SimdOp.i32x4Bitmask);
      } else {
        k.body.byte(Op.i32Eqz);
      }
      if (s > 0) {
        k.body
          .byte(Op.i32Const)
          .s32(s * (shape.simd ? 4 : 1))
          .byte(Op.i32Shl);
        k.body.byte(Op.localGet).u32(hits).byte(Op.i32Or);
      }
      k.body.byte(Op.localSet).u32(hits);
    }
    // if (hits) return (lane << 16) | hits;  lane += lanes;  continue while lane < to
    k.body.byte(Op.localGet).u32(hits).byte(Op.if).byte(EMPTY_BLOCK_TYPE);
    k.body.byte(Op.localGet).u32(lane).byte(Op.i32Const).s32(16).byte(Op.i32Shl);
    k.body.byte(Op.localGet).u32(hits).byte(Op.i32Or).byte(Op.return).byte(Op.end);
    k.body.byte(Op.localGet).u32(lane).byte(Op.i32Const).s32(lanes).byte(Op.i32Add).byte(Op.localSet).u32(lane);
    k.body.byte(Op.localGet).u32(lane).byte(Op.localGet).u32(TO).byte(Op.i32LtU).byte(Op.brIf).u32(0);
  } else {
    for (let s = 0; s < shape.streams; s++) {
      for (let j = 0; j < 8; j++) {
        const word = k.binary('add', states[s]![j]!, midstate[j]!);
        k.body.byte(Op.i32Const).s32(0);
        k.pushVar(word);
        const offset = KernelLayout.out + 4 * (j * lanes + s * (shape.simd ? 4 : 1));
        if (shape.simd) k.body.simd(SimdOp.v128Store).memarg(4, offset);
        else k.body.byte(Op.i32Store).memarg(2, offset);
      }
    }
  }

  const code = new ByteWriter().bytes(k.prologue.toBytes());
  code.byte(Op.localGet).u32(FROM).byte(Op.localSet).u32(lane);
  if (kind === 'scan') {
    // if (from >= to) return -1; the loop below tests its bound at the end.
    code.byte(Op.localGet).u32(FROM).byte(Op.localGet).u32(TO).byte(Op.i32GeU);
    code.byte(Op.if).byte(EMPTY_BLOCK_TYPE).byte(Op.i32Const).s32(-1).byte(Op.return).byte(Op.end);
  }
  if (kind === 'scan') {
    code.byte(Op.loop).byte(EMPTY_BLOCK_TYPE).bytes(k.body.toBytes()).byte(Op.end).byte(Op.i32Const).s32(-1);
  } else {
    code.bytes(k.body.toBytes());
  }
  return {
    name: kind,
    params: kind === 'scan' ? [ValueType.i32, ValueType.i32] : [ValueType.i32],
    results: kind === 'scan' ? [ValueType.i32] : [],
    locals: k.locals,
    body: code.toBytes(),
  };
}

/** The 16 bytes of an i32x4 constant holding base, base + 1, base + 2, base + 3 (little-endian lanes). */
function laneOffsets(base: number): number[] {
  return [0, 1, 2, 3].flatMap((i) => [(base + i) & 0xff, 0, 0, 0]);
}

/**
 * One SHA-256 round (FIPS 180-4 §6.2.2 step 3) on working variables [a, b, c, d, e, f, g, h]; returns the next ones.
 * When only the message word varies per try (round 5: W5 holds the proof's last byte), T1 is split so that
 * h + Σ1(e) + Ch(e, f, g) + K and the sums with d and T2 are invariant, and a try costs two additions.
 */
function round(k: KernelEmitter, state: readonly Value[], roundConstant: number, w: Value): Value[] {
  const [a, b, c, d, e, f, g, h] = state as [Value, Value, Value, Value, Value, Value, Value, Value];
  const s1 = bigSigma1(k, e);
  const ch = k.choose(e, f, g);
  const t2 = k.binary('add', bigSigma0(k, a), k.majority(a, b, c));
  if (w.kind === 'var' && [h, s1, ch, d, t2].every((value) => value.kind !== 'var')) {
    const fixed = k.sum(h, constant(roundConstant), s1, ch);
    const newA = k.binary('add', k.binary('add', fixed, t2), w);
    const newE = k.binary('add', k.binary('add', d, fixed), w);
    return [newA, a, b, c, newE, e, f, g];
  }
  const t1 = k.sum(h, constant(roundConstant), w, s1, ch);
  return [k.binary('add', t1, t2), a, b, c, k.binary('add', d, t1), e, f, g];
}
