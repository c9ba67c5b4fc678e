import { ArgumentError, fmtShape, type ReductionLayout, type Tensor } from '@tsgrad/core';
import { reducedCount } from './dims.js';

/**
 * Row kernels shared by amax/amin, argmax/argmin and max/min. NaN counts as the extreme value
 * (it propagates, and its index is the one reported), as in PyTorch.
 */

/** Refuses a reduction over an empty dim that still has rows to fill (PyTorch errors too). */
export function checkNonEmpty(op: string, x: Tensor, dims: readonly number[]): void {
  if (reducedCount(x.shape, dims) > 0) return;
  const rows = x.shape.reduce((n, d, i) => (dims.includes(i) ? n : n * d), 1);
  if (rows > 0) {
    throw new ArgumentError(`${op}: cannot reduce over an empty dimension (input shape ${fmtShape(x.shape)}, dims [${dims.join(',')}])`);
  }
}

/** Index (within its row) of the first maximum of each row; NaN wins. */
export function rowArgmax(layout: ReductionLayout, out: Int32Array): void {
  const { data, length, rows } = layout;
  for (let r = 0, start = layout.offset; r < rows; r++, start += length) {
    let best = 0;
    let m = data[start]!;
    if (m === m) {
      for (let i = 1; i < length; i++) {
        const v = data[start + i]!;
        if (v !== v) {
          best = i;
          break;
        }
        if (v > m) {
          m = v;
          best = i;
        }
      }
    }
    out[r] = best;
  }
}

/** Index (within its row) of the first minimum of each row; NaN wins. */
export function rowArgmin(layout: ReductionLayout, out: Int32Array): void {
  const { data, length, rows } = layout;
  for (let r = 0, start = layout.offset; r < rows; r++, start += length) {
    let best = 0;
    let m = data[start]!;
    if (m === m) {
      for (let i = 1; i < length; i++) {
        const v = data[start + i]!;
        if (v !== v) {
          best = i;
          break;
        }
        if (v < m) {
          m = v;
          best = i;
        }
      }
    }
    out[r] = best;
  }
}
