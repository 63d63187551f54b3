import type { ProofKernel, ProofKernelInput } from './proofKernel.js';
import type { ProofKernelShape } from './proofKernelWasm.js';
import { buildProofKernelWasm, KernelLayout, lanesOf } from './proofKernelWasm.js';

/** The wasm kernels, by name: the shapes `npm run bench:mining` compares (docs/MINING.md). */
export const WASM_KERNEL_SHAPES = {
  'wasm-simd': { simd: true, streams: 1 },
  'wasm-scalar': { simd: false, streams: 1 },
} as const satisfies Record<string, ProofKernelShape>;

export type WasmKernelName = keyof typeof WASM_KERNEL_SHAPES;

interface KernelExports {
  readonly memory: WebAssembly.Memory;
  readonly scan: (from: number, to: number) => number;
  readonly digest: (from: number) => void;
}

// Compiled modules, by kernel name: a module is immutable and compiling one takes milliseconds, so each is compiled
// once per thread (a worker compiles its own) and instantiated per searcher (a worker keeps one searcher).
const compiled = new Map<WasmKernelName, WebAssembly.Module | null>();

/** The compiled module of `name`, or null where WebAssembly (or its SIMD) is unavailable. */
export function compileWasmProofKernel(name: WasmKernelName): WebAssembly.Module | null {
  let module = compiled.get(name);
  if (module === undefined) {
    module = null;
    if (typeof WebAssembly === 'object') {
      const bytes = buildProofKernelWasm(WASM_KERNEL_SHAPES[name]);
      if (WebAssembly.validate(bytes)) module = new WebAssembly.Module(bytes);
    }
    compiled.set(name, module);
  }
  return module;
}

/**
 * A kernel running the generated module `name` in its own instance and memory.
 * @throws {Error} when this runtime cannot compile the module (check `compileWasmProofKernel` first).
 */
export function createWasmProofKernel(name: WasmKernelName, input: ProofKernelInput): ProofKernel {
  const module = compileWasmProofKernel(name);
  if (module === null) throw new Error(`the ${name} proof kernel is not supported by this runtime`);
  const exports = new WebAssembly.Instance(module).exports as unknown as KernelExports;
  const lanes = lanesOf(WASM_KERNEL_SHAPES[name]);
  // Wasm memory is little-endian whatever the host, hence the DataView with littleEndian = true.
  const memory = new DataView(exports.memory.buffer);
  const load = (next: ProofKernelInput) => {
    for (let i = 0; i < 8; i++) memory.setUint32(KernelLayout.midstate + 4 * i, next.midstate[i]!, true);
    for (let i = 0; i < 3; i++) memory.setUint32(KernelLayout.words + 4 * i, next.fixedWords[i]!, true);
    memory.setUint32(KernelLayout.mask, next.mask >>> 0, true);
  };
  load(input);
  const { scan, digest } = exports;
  return {
    lanes,
    load,
    setWord3(word) {
      memory.setUint32(KernelLayout.words + 12, word >>> 0, true);
    },
    setWord4(word) {
      memory.setUint32(KernelLayout.words + 16, word >>> 0, true);
    },
    scan,
    digest(last, out) {
      const lane = last % lanes;
      digest(last - lane);
      for (let j = 0; j < 8; j++) out[j] = memory.getUint32(KernelLayout.out + 4 * (j * lanes + lane), true);
    },
  };
}
