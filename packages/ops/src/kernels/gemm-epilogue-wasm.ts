import { decodeBase64, type WasmGemmKernel, type WasmVariant } from './gemm-wasm.js';
import { gemmEpilogueRelaxedSimdWasm, gemmEpilogueSimdWasm } from './wasm/gemm-f32-wasm.generated.js';

// The GEMM's epilogues (assembly/gemm-epilogue.ts) for the fused linear + GELU: a module of its
// own, instantiated on the memory of a GEMM kernel instance, so it works on operands and products
// where the GEMM reads and leaves them. Under 2 KB, like the GEMM module under 4 KB, it compiles
// synchronously even on a browser's main thread.

/** The epilogue module's functions; addresses are byte offsets into the GEMM's memory. */
export interface GemmEpilogue {
  /** y = gelu(x) and g = gelu'(x) for n floats (whole vectors); returns how many have |x| >= 6 or are NaN. */
  geluWithGrad(x: number, y: number, g: number, n: number): number;
  /** o[r·n + j] = a[r·as + j] · b[r·bs + j] for `rows` rows of n floats (as, bs: n or 0). */
  mulRows(o: number, a: number, as: number, b: number, bs: number, rows: number, n: number): void;
}

const sources: Record<WasmVariant, string> = {
  'relaxed-simd': gemmEpilogueRelaxedSimdWasm,
  simd: gemmEpilogueSimdWasm,
};
const instances = new WeakMap<WasmGemmKernel, GemmEpilogue | null>();

/**
 * The epilogues built for `variant` (that of `kernel`), instantiated on `kernel`'s memory at
 * first use; null where the runtime refuses them.
 */
export function loadGemmEpilogue(kernel: WasmGemmKernel, variant: WasmVariant): GemmEpilogue | null {
  const known = instances.get(kernel);
  if (known !== undefined) return known;
  let epilogue: GemmEpilogue | null = null;
  try {
    const module = new WebAssembly.Module(decodeBase64(sources[variant]));
    const imports = { env: { memory: kernel.exports.memory } };
    epilogue = new WebAssembly.Instance(module, imports).exports as unknown as GemmEpilogue;
  } catch {
    epilogue = null;
  }
  instances.set(kernel, epilogue);
  return epilogue;
}
