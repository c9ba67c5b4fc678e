/**
 * Loading of the float32 WebAssembly attention modules and a bump allocator over their
 * memory. A module is compiled lazily on first use; where WebAssembly SIMD is missing (or a
 * browser main thread refuses synchronous compilation of modules over 4 KB, in which case
 * call {@link initAttentionWasm} first) the kernels fall back to plain JavaScript.
 */
import { ATTENTION_WASM_RELAXED_SIMD, ATTENTION_WASM_SIMD } from './wasm/attention-f32-wasm.generated.js';

/** The functions exported by assembly/attention-simd.ts (addresses are byte offsets). */
export interface AttentionWasmExports {
  /** The module's linear memory; every address argument is a byte offset into it. */
  memory: WebAssembly.Memory;
  /** First byte after the static data: the JavaScript side allocates from here. */
  heapBase(): number;
  /** Bytes of scratch `configure` needs for feature sizes padded to ep and evp. */
  scratchBytes(ep: number, evp: number): number;
  /** Sets shape, scale, causal flag, mask strides, dropout and scratch for the calls that follow. */
  configure(
    l: number, s: number, e: number, ev: number, scale: number, causal: number,
    fmSi: number, fmSj: number, bmSi: number, bmSj: number,
    dropout: number, threshold: number, keepScale: number, seed: number, scratch: number,
  ): void;
  /** Forward of one (b, h): writes out (L, Ev) and the row log-sum-exps lse (L, float64). */
  forwardHead(q: number, kt: number, v: number, out: number, lse: number, fm: number, bm: number, b: number, h: number): void;
  /**
   * Backward of one (b, kv head) and the `group` query heads h0 .. h0+group-1 that read it:
   * accumulates dq, writes dk/dv of this kv head and, when dMask ≠ 0, the float mask's gradient.
   */
  backwardKvHead(
    q: number, dO: number, dq: number, lse: number, dRow: number, dMask: number,
    k: number, kt: number, vt: number, dk: number, dv: number,
    fm: number, fmHead: number, bm: number, bmHead: number, b: number, h0: number, group: number,
  ): void;
  /** Copies n (rows, cols) matrices into zero-padded (rowsP, colsP) slots. */
  pack(src: number, dst: number, n: number, rows: number, cols: number, rowsP: number, colsP: number): void;
  /** Copies n (rows, cols) matrices transposed into zero-padded (colsP, blockK) key-block panels. */
  packPanels(src: number, dst: number, n: number, rows: number, cols: number, colsP: number): void;
  /** Copies the (rows, cols) corners of n packed (rowsP, colsP) matrices out densely; inverse of `pack`. */
  unpack(src: number, dst: number, n: number, rows: number, cols: number, rowsP: number, colsP: number): void;
  /** dst[r] = Σₑ a[r, e] · b[r, e] over n rows of width w, summed in float64 (softmax backward's D term). */
  rowDots(a: number, b: number, dst: number, n: number, w: number): void;
  /**
   * Copies n0·n1·n2 rows of w floats, row (a, b, c) from element strides s0, s1, s2 at src to
   * strides d0, d1, d2 at dst: gathers strided operands densely and scatters results into layouts.
   */
  copyRows(
    src: number, s0: number, s1: number, s2: number, dst: number, d0: number, d1: number, d2: number,
    n0: number, n1: number, n2: number, w: number,
  ): void;
  /** Keys per block, which fixes the panel layout of `packPanels`. */
  blockK(): number;
}

/** The two builds: fused multiply-add through relaxed SIMD, or multiply + add. */
export type AttentionWasmVariant = 'relaxed-simd' | 'simd';

const sources: Record<AttentionWasmVariant, string> = {
  'relaxed-simd': ATTENTION_WASM_RELAXED_SIMD,
  simd: ATTENTION_WASM_SIMD,
};
const modules: Partial<Record<AttentionWasmVariant, WebAssembly.Module | null>> = {};
const instances: Partial<Record<AttentionWasmVariant, AttentionWasmExports>> = {};
let best: AttentionWasmExports | null | undefined;

function wasmBytes(variant: AttentionWasmVariant): Uint8Array<ArrayBuffer> {
  const text = atob(sources[variant]);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

function supported(bytes: Uint8Array<ArrayBuffer>): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(bytes);
}

/**
 * The exports of one build, compiling and instantiating it on first use; null where this
 * runtime lacks its instruction set or refuses to compile synchronously.
 */
export function loadAttentionWasm(variant: AttentionWasmVariant): AttentionWasmExports | null {
  const ready = instances[variant];
  if (ready !== undefined) return ready;
  if (modules[variant] === undefined) {
    try {
      const bytes = wasmBytes(variant);
      modules[variant] = supported(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      modules[variant] = null;
    }
  }
  const module = modules[variant];
  if (module === null || module === undefined) return null;
  // The AssemblyScript stub runtime only imports abort(), unreachable with --noAssert.
  const abort = (): never => {
    throw new Error('attention wasm: abort');
  };
  const exports = new WebAssembly.Instance(module, { env: { abort } }).exports as unknown as AttentionWasmExports;
  instances[variant] = exports;
  return exports;
}

/**
 * Compiles the builds asynchronously, for browsers that refuse synchronous compiles of
 * modules over 4 KB on the main thread. Resolves to whether SIMD kernels are available.
 */
export async function initAttentionWasm(): Promise<boolean> {
  for (const variant of ['relaxed-simd', 'simd'] as const) {
    if (modules[variant]) continue;
    try {
      const bytes = wasmBytes(variant);
      modules[variant] = supported(bytes) ? await WebAssembly.compile(bytes) : null;
    } catch {
      modules[variant] = null;
    }
  }
  best = undefined;
  return attentionWasm() !== null;
}

/**
 * Validates the builds found missing again and re-picks the fastest (after the runtime gained
 * a feature: relaxed SIMD through `enableRelaxedSimd`). Returns the variant now in use.
 */
export function refreshAttentionWasm(): AttentionWasmVariant | null {
  for (const variant of ['relaxed-simd', 'simd'] as const) if (modules[variant] === null) delete modules[variant];
  best = undefined;
  const chosen = attentionWasm();
  if (chosen === null) return null;
  return chosen === instances['relaxed-simd'] ? 'relaxed-simd' : 'simd';
}

/** The fastest build this runtime runs (relaxed SIMD first), or null: use JavaScript. */
export function attentionWasm(): AttentionWasmExports | null {
  if (best === undefined) best = loadAttentionWasm('relaxed-simd') ?? loadAttentionWasm('simd');
  return best;
}

/**
 * Lays out regions of the given byte sizes (16-byte aligned) after the module's static data,
 * grows the memory to fit, and returns their addresses, or null when the 4 GiB address space
 * cannot hold them. The memory is reused by later calls and never shrinks: it stays as large
 * as the largest attention call so far.
 */
export function wasmRegions(w: AttentionWasmExports, sizes: number[]): number[] | null {
  const align = (n: number): number => Math.ceil(n / 16) * 16;
  let at = align(w.heapBase());
  const addresses = sizes.map((size) => {
    const a = at;
    at += align(size);
    return a;
  });
  const need = at - w.memory.buffer.byteLength;
  if (need > 0) {
    try {
      w.memory.grow(Math.ceil(need / 65536));
    } catch {
      return null;
    }
  }
  return addresses;
}
