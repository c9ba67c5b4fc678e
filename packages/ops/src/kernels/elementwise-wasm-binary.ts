import { setFloat32RowsKernel, type Float32RowsKernel } from '@tsgrad/core';
import { elementwiseWasm, stage } from './elementwise-wasm.js';

/**
 * Below this many output elements the JavaScript row kernels win: the copies in and out and
 * the call cost more than the SIMD loop saves (core add of two float32 vectors, measured
 * here: 256 elements 2.2 µs in JavaScript vs 3.7 µs; 512: 5.6 vs 3.7; 1024: 6.6 vs 3.5).
 */
export const BINARY_WASM_MIN = 512;

/**
 * The WebAssembly SIMD {@link Float32RowsKernel} that @tsgrad/ops installs into core's
 * `mapBinary`: copies the operands (a full operand or one broadcast row each) into the
 * module's memory, runs add/sub/mul there and copies the result out. Declines (false) below
 * {@link BINARY_WASM_MIN} elements or without WebAssembly SIMD. Same float32 results as the
 * JavaScript kernels: one IEEE operation per element either way.
 */
export const binaryRowsWasm: Float32RowsKernel = (op, out, a, ai, as, b, bi, bs, rows, n) => {
  const total = rows * n;
  if (total < BINARY_WASM_MIN) return false;
  const w = elementwiseWasm();
  if (w === null) return false;
  const aLen = as === 0 ? n : total;
  const bLen = bs === 0 ? n : total;
  const regions = stage(w, [4 * aLen, 4 * bLen, 4 * total]);
  if (regions === null) return false;
  const [at, bAt, oAt] = regions as [number, number, number];
  const f32 = w.f32;
  f32.set(a.subarray(ai, ai + aLen), at >> 2);
  f32.set(b.subarray(bi, bi + bLen), bAt >> 2);
  const e = w.exports;
  if (op === 'add') e.addRows(oAt, at, as, bAt, bs, rows, n);
  else if (op === 'sub') e.subRows(oAt, at, as, bAt, bs, rows, n);
  else e.mulRows(oAt, at, as, bAt, bs, rows, n);
  out.set(f32.subarray(oAt >> 2, (oAt >> 2) + total));
  return true;
};

// Importing @tsgrad/ops (which loads this file) puts core's add/sub/mul on the SIMD kernel.
setFloat32RowsKernel(binaryRowsWasm);
