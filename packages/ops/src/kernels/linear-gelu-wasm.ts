import { redoGeluOutside } from './elementwise-wasm-gelu.js';
import type { GemmEpilogue } from './gemm-epilogue-wasm.js';
import { reserve, type WasmGemmKernel } from './gemm-wasm.js';

// Driver for the fused float32 linear + GELU on the GEMM module (assembly/gemm-f32.ts) and its
// epilogues (assembly/gemm-epilogue.ts, on the same memory). The product stays in linear memory
// between the GEMM and the activation, and in the backward dh = dy·gelu' stays there for both
// gradient GEMMs: against a linear op followed by a gelu op, each direction saves a copy of the
// (rows, out) activation into and out of linear memory and one allocation.

/** A GEMM kernel instance and the epilogues instantiated on its memory. */
export interface FusedGemmKernels {
  kernel: WasmGemmKernel;
  epilogue: GemmEpilogue;
}

/** Sizes of a fused linear + GELU: x (rows, inFeatures), weight (outFeatures, inFeatures). */
export interface LinearGeluShape {
  rows: number;
  inFeatures: number;
  outFeatures: number;
}

/**
 * Element indices of consecutive regions of `sizes` elements from the kernel's heap, each
 * 64-byte aligned and padded to whole vectors (the GELU epilogue reads and writes whole
 * vectors); null when memory cannot grow.
 */
function regions(kernel: WasmGemmKernel, sizes: readonly number[]): number[] | null {
  const at: number[] = [];
  let next = kernel.heap >> 2;
  for (const size of sizes) {
    at.push(next);
    next += (size + 15) & ~15;
  }
  return reserve(kernel, next * 4) ? at : null;
}

/**
 * y = gelu(x·Wᵀ + b) (exact erf form) and, unless `g` is null, g = gelu'(x·Wᵀ + b), for row-major
 * x (rows, in) from x[xo], weight (out, in) from w[wo] and bias (out) from bias[bo] or none.
 * GELU within 1.5e-6 relative as the gelu op's SIMD kernel (the same code); inputs to it with
 * |h| >= 6 are redone in float64. Returns false, having written nothing, when memory cannot grow.
 */
export function linearGeluForwardWasm(
  { kernel, epilogue }: FusedGemmKernels, shape: LinearGeluShape, x: Float32Array, xo: number, w: Float32Array, wo: number,
  bias: Float32Array | null, bo: number, y: Float32Array, g: Float32Array | null,
): boolean {
  const { rows, inFeatures: inF, outFeatures: outF } = shape;
  const n = rows * outF;
  const at = regions(kernel, [rows * inF, outF * inF, n, n, n]);
  if (at === null) return false;
  const [xAt, wAt, hAt, yAt, gAt] = at as [number, number, number, number, number];
  const f32 = kernel.f32;
  f32.set(x.subarray(xo, xo + rows * inF), xAt);
  f32.set(w.subarray(wo, wo + outF * inF), wAt);
  if (bias !== null) {
    // Every row of h starts as the bias: one row, then doubling copies.
    f32.set(bias.subarray(bo, bo + outF), hAt);
    for (let filled = outF; filled < n; filled *= 2) f32.copyWithin(hAt + filled, hAt, hAt + Math.min(filled, n - filled));
  }
  // h (+)= x·Wᵀ, the weight read transposed in place (row stride 1, column stride in).
  kernel.exports.gemm(rows, outF, inF, xAt * 4, inF, 1, wAt * 4, 1, inF, hAt * 4, outF, 1, bias !== null ? 1 : 0, kernel.work);
  const outside = epilogue.geluWithGrad(hAt * 4, yAt * 4, gAt * 4, n);
  y.set(f32.subarray(yAt, yAt + n));
  g?.set(f32.subarray(gAt, gAt + n));
  if (outside > 0) redoGeluOutside(y, g, f32, hAt, n);
  return true;
}

/** Gradients of a fused linear + GELU, each computed only when its array is given. */
export interface LinearGeluGrads {
  /** (rows, in): dh·W. */
  dx: Float32Array | null;
  /** (out, in): dhᵀ·x. */
  dw: Float32Array | null;
  /** (out): the column sums of dh. */
  db: Float32Array | null;
}

/**
 * The backward of {@link linearGeluForwardWasm} from dy (rows, out) at dy[dyo] and the forward's
 * g: dh = dy·g in linear memory, then dx = dh·W, dW = dhᵀ·x and db = 1ᵀ·dh (a one-row GEMM)
 * read it in place. Returns false, having written nothing, when memory cannot grow.
 */
export function linearGeluBackwardWasm(
  { kernel, epilogue }: FusedGemmKernels, shape: LinearGeluShape, dy: Float32Array, dyo: number, g: Float32Array,
  x: Float32Array, xo: number, w: Float32Array, wo: number, grads: LinearGeluGrads,
): boolean {
  const { rows, inFeatures: inF, outFeatures: outF } = shape;
  const { dx, dw, db } = grads;
  const n = rows * outF;
  const at = regions(kernel, [
    n, n,
    dx ? outF * inF : 0, dx ? rows * inF : 0,
    dw ? rows * inF : 0, dw ? outF * inF : 0,
    db ? rows : 0, db ? outF : 0,
  ]);
  if (at === null) return false;
  const [dhAt, gAt, wAt, dxAt, xAt, dwAt, onesAt, dbAt] = at as [number, number, number, number, number, number, number, number];
  const f32 = kernel.f32;
  const e = kernel.exports;
  f32.set(dy.subarray(dyo, dyo + n), dhAt);
  f32.set(g.subarray(0, n), gAt);
  epilogue.mulRows(dhAt * 4, dhAt * 4, n, gAt * 4, n, 1, n);
  if (dx) {
    f32.set(w.subarray(wo, wo + outF * inF), wAt);
    e.gemm(rows, inF, outF, dhAt * 4, outF, 1, wAt * 4, inF, 1, dxAt * 4, inF, 1, 0, kernel.work);
    dx.set(f32.subarray(dxAt, dxAt + rows * inF));
  }
  if (dw) {
    // dh read transposed in place: row stride 1, column stride out.
    f32.set(x.subarray(xo, xo + rows * inF), xAt);
    e.gemm(outF, inF, rows, dhAt * 4, 1, outF, xAt * 4, inF, 1, dwAt * 4, inF, 1, 0, kernel.work);
    dw.set(f32.subarray(dwAt, dwAt + outF * inF));
  }
  if (db) {
    f32.fill(1, onesAt, onesAt + rows);
    e.gemm(1, outF, rows, onesAt * 4, rows, 1, dhAt * 4, outF, 1, dbAt * 4, outF, 1, 0, kernel.work);
    db.set(f32.subarray(dbAt, dbAt + outF));
  }
  return true;
}
