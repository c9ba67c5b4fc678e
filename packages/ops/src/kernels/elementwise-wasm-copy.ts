import { setFloat32CopyKernel, type Float32CopyKernel } from '@tsgrad/core';
import { elementwiseWasm, stage } from './elementwise-wasm.js';

/**
 * Below this many elements the JavaScript loops win (two bulk copies and a call); measured
 * on a [4, T, 4, 4] permute: 512 elements 3.4 µs either way, 1024: 6.1 vs 9.1 µs in JavaScript.
 */
export const COPY_WASM_MIN = 1024;

/**
 * The WebAssembly {@link Float32CopyKernel} that @tsgrad/ops installs into core's
 * `copyStrided` (contiguous() of permuted views: attention's head split and merge): copies
 * the span of the source the view touches into the module's memory in one bulk copy, gathers
 * there with SIMD, and copies the row-major result out. Declines views of more than four
 * coalesced dims, negative strides, sparse views (span over twice the elements: a narrow
 * slice of a wide tensor), small copies, or no WebAssembly SIMD. Copies values exactly.
 */
export const copyStridedWasm: Float32CopyKernel = (src, srcOffset, strides, shape, dst, dstOffset) => {
  const nd = shape.length;
  if (nd > 4) return false;
  let total = 1;
  let span = 1;
  for (let d = 0; d < nd; d++) {
    if (strides[d]! < 0) return false;
    total *= shape[d]!;
    span += strides[d]! * (shape[d]! - 1);
  }
  if (total < COPY_WASM_MIN || span > 2 * total) return false;
  const w = elementwiseWasm();
  if (w === null) return false;
  const regions = stage(w, [4 * span, 4 * total]);
  if (regions === null) return false;
  const [at, oAt] = regions as [number, number];
  const f32 = w.f32;
  f32.set(src.subarray(srcOffset, srcOffset + span), at >> 2);
  const pad = 4 - nd;
  const s = (d: number) => (d < pad ? 1 : shape[d - pad]!);
  const t = (d: number) => (d < pad ? 0 : strides[d - pad]!);
  w.exports.copyStrided4(at, oAt, s(0), s(1), s(2), s(3), t(0), t(1), t(2), t(3));
  dst.set(f32.subarray(oAt >> 2, (oAt >> 2) + total), dstOffset);
  return true;
};

// Importing @tsgrad/ops (which loads this file) puts core's float32 strided copies on it.
setFloat32CopyKernel(copyStridedWasm);
