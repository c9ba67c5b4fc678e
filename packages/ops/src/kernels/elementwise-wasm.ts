/**
 * Loading of the float32 elementwise WebAssembly module (assembly/elementwise-simd.ts) and
 * staging of operands in its memory. Of its two builds the relaxed-SIMD one (fused
 * multiply-add) is used where the runtime validates it, the SIMD one otherwise. The module
 * compiles synchronously on first use; a browser main thread refuses that for modules over
 * 4 KB, so there {@link initElementwiseWasm} compiles it asynchronously first. Where
 * WebAssembly SIMD is missing (or not yet compiled), {@link elementwiseWasm} is null and
 * callers keep their JavaScript kernels.
 */
import { ELEMENTWISE_WASM_RELAXED_SIMD, ELEMENTWISE_WASM_SIMD } from './wasm/elementwise-f32-wasm.generated.js';

/** The functions exported by assembly/elementwise-simd.ts (addresses are byte offsets). */
export interface ElementwiseWasmExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  addRows(o: number, a: number, as: number, b: number, bs: number, rows: number, n: number): void;
  subRows(o: number, a: number, as: number, b: number, bs: number, rows: number, n: number): void;
  mulRows(o: number, a: number, as: number, b: number, bs: number, rows: number, n: number): void;
  geluWithGrad(x: number, y: number, g: number, n: number): number;
  adamUpdate(
    theta: number, grad: number, m: number, v: number, n: number, beta1: number, c1: number, beta2: number, c2: number,
    stepSize: number, correction2Sqrt: number, eps: number, decay: number, l2: number,
  ): void;
  softmaxRows(x: number, out: number, stats: number, rows: number, c: number, log: number): void;
  shiftScaleRows(p: number, out: number, scale: number, rows: number, c: number, shift: number): void;
  copyStrided4(src: number, dst: number, s0: number, s1: number, s2: number, s3: number, t0: number, t1: number, t2: number, t3: number): void;
  layerNormForward(x: number, w: number, b: number, out: number, mean: number, rstd: number, rows: number, d: number, eps: number): void;
  layerNormBackward(
    dy: number, x: number, w: number, mean: number, rstd: number, dx: number, dw: number, db: number, part: number, rows: number, d: number,
  ): void;
}

/** The module's exports and a float32 view of its memory, renewed when the memory grows. */
export interface ElementwiseWasm {
  exports: ElementwiseWasmExports;
  f32: Float32Array;
  f64: Float64Array;
}

/** The two builds: fused multiply-add through relaxed SIMD, or multiply + add. */
export type ElementwiseWasmVariant = 'relaxed-simd' | 'simd';

const sources: Record<ElementwiseWasmVariant, string> = {
  'relaxed-simd': ELEMENTWISE_WASM_RELAXED_SIMD,
  simd: ELEMENTWISE_WASM_SIMD,
};

let loaded: ElementwiseWasm | null | undefined;
/** Which build `loaded` is. */
let loadedVariant: ElementwiseWasmVariant | null = null;
/** Byte address where staging starts in `loaded`: after its data and the kept region, 16-byte aligned (-1: not yet known). */
let base = -1;
/** Modules compiled by {@link initElementwiseWasm}, if it ran. */
const compiled: Partial<Record<ElementwiseWasmVariant, WebAssembly.Module>> = {};

/** The bytes of `variant`, or null where this runtime does not validate them. */
function moduleBytes(variant: ElementwiseWasmVariant): Uint8Array<ArrayBuffer> | null {
  if (typeof WebAssembly !== 'object') return null;
  const text = atob(sources[variant]);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return WebAssembly.validate(bytes) ? bytes : null;
}

/** The compiled module of `variant`, or null where this runtime lacks its instruction set. */
function compile(variant: ElementwiseWasmVariant): WebAssembly.Module | null {
  const known = compiled[variant];
  if (known !== undefined) return known;
  const bytes = moduleBytes(variant);
  return bytes === null ? null : new WebAssembly.Module(bytes);
}

/** The instantiated module (the relaxed-SIMD build first), or null where this runtime lacks WebAssembly SIMD. */
export function elementwiseWasm(): ElementwiseWasm | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  for (const variant of ['relaxed-simd', 'simd'] as const) {
    try {
      const module = compile(variant);
      if (module === null) continue;
      // The AssemblyScript stub runtime only imports abort(), unreachable with --noAssert.
      const abort = (): never => {
        throw new Error('elementwise wasm: abort');
      };
      const exports = new WebAssembly.Instance(module, { env: { abort } }).exports as unknown as ElementwiseWasmExports;
      loaded = { exports, f32: new Float32Array(exports.memory.buffer), f64: new Float64Array(exports.memory.buffer) };
      loadedVariant = variant;
      base = -1;
      return loaded;
    } catch {
      continue;
    }
  }
  return loaded;
}

/**
 * Compiles the builds asynchronously, for browser main threads that refuse synchronous
 * compiles of modules over 4 KB (without it they keep the JavaScript kernels). Resolves to
 * whether the WebAssembly kernels are available. Safe to call repeatedly.
 */
export async function initElementwiseWasm(): Promise<boolean> {
  let fresh = false;
  for (const variant of ['relaxed-simd', 'simd'] as const) {
    if (compiled[variant] !== undefined) continue;
    const bytes = moduleBytes(variant);
    if (bytes === null) continue;
    compiled[variant] = await WebAssembly.compile(bytes);
    fresh = true;
  }
  // Re-pick only when something new compiled (or nothing ran yet): an instance in use keeps its memory.
  if (fresh || !loaded) loaded = undefined;
  return elementwiseWasm() !== null;
}

/**
 * Re-picks the build after the runtime gained a feature (relaxed SIMD through
 * `enableRelaxedSimd`), starting a fresh instance if the relaxed-SIMD build now validates.
 * Returns the build in use, or null without WebAssembly SIMD.
 */
export function refreshElementwiseWasm(): ElementwiseWasmVariant | null {
  if (loadedVariant !== 'relaxed-simd') loaded = undefined;
  return elementwiseWasm() === null ? null : loadedVariant;
}

/**
 * Bytes kept below the staging area for data copied in once and reused by every call; none
 * today (the GELU kernel, which once read interpolation tables from here, is table-free).
 */
export const KEPT_BYTES = 0;

/** Byte address of the kept region (16-byte aligned, after the module's static data). */
export function keptAddress(w: ElementwiseWasm): number {
  return Math.ceil(w.exports.heapBase() / 16) * 16;
}

/**
 * Lays out regions of the given byte sizes (each rounded up to 16 bytes, in order) from the
 * staging base, growing the memory to hold them (it never shrinks: it stays as large as the
 * largest call so far) and renewing the views; returns their addresses, or null when the
 * runtime refuses to grow. The base is 16-byte aligned and so is every region after it, so
 * float64 and vector regions may come in any order.
 */
export function stage(w: ElementwiseWasm, sizes: readonly number[]): number[] | null {
  if (base < 0) base = keptAddress(w) + KEPT_BYTES;
  let at = base;
  const addresses = sizes.map((size) => {
    const address = at;
    at += Math.ceil(size / 16) * 16;
    return address;
  });
  const memory = w.exports.memory;
  const need = at - memory.buffer.byteLength;
  if (need > 0) {
    try {
      memory.grow(Math.ceil(need / 65536));
    } catch {
      return null;
    }
  }
  if (w.f32.buffer !== memory.buffer) {
    w.f32 = new Float32Array(memory.buffer);
    w.f64 = new Float64Array(memory.buffer);
  }
  return addresses;
}
