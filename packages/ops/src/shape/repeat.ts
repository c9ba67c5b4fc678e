import {
  ArgumentError,
  Tensor,
  clone,
  expand,
  fmtShape,
  normalizeDim,
  registerMethod,
  reshape,
  tensor,
  unsqueeze,
} from '@tsgrad/core';
import { flatten } from './flatten.js';
import { indexSelect } from './index-select.js';

declare module '@tsgrad/core' {
  interface Tensor {
    /** `repeat(this, repeats)`. */
    repeat(repeats: readonly number[]): Tensor;
    /** `repeatInterleave(this, repeats, dim)`. */
    repeatInterleave(repeats: number | readonly number[], dim?: number): Tensor;
  }
}

function checkCounts(op: string, counts: readonly number[]): void {
  if (counts.some((r) => !Number.isInteger(r) || r < 0)) {
    throw new ArgumentError(`${op}: repeats must be non-negative integers, got [${counts.join(',')}]`);
  }
}

/**
 * Tiles `x`: dim i is repeated `repeats[i]` times (PyTorch's `Tensor.repeat`, NumPy's `tile`).
 * `repeats` may be longer than `x.ndim`, adding leading dims: `(2, 3)` repeated `[2, 1, 3]`
 * gives `(2, 2, 9)`. A copy; the gradient sums the tiles back.
 */
export function repeat(x: Tensor, repeats: readonly number[]): Tensor {
  if (!(x instanceof Tensor)) throw new ArgumentError('repeat: x must be a Tensor');
  const counts = [...repeats];
  checkCounts('repeat', counts);
  if (counts.length < x.ndim) {
    throw new ArgumentError(`repeat: repeats [${counts.join(',')}] must have at least as many entries as the input ${fmtShape(x.shape)} has dims`);
  }
  const sizes = [...new Array<number>(counts.length - x.ndim).fill(1), ...x.shape];
  // (s0, s1, ...) -> (1, s0, 1, s1, ...) -> expand (r0, s0, r1, s1, ...) -> (r0·s0, r1·s1, ...)
  // unsqueeze is a view even of non-contiguous data, so the only copy is the tiling itself.
  let t = x;
  while (t.ndim < counts.length) t = unsqueeze(t, 0);
  for (let d = 0; d < counts.length; d++) t = unsqueeze(t, 2 * d);
  const tiled = clone(expand(t, counts.flatMap((r, i) => [r, sizes[i]!])));
  return reshape(tiled, counts.map((r, i) => r * sizes[i]!));
}

/**
 * Repeats each element (each slice along `dim`) in place: `[a, b]` with 2 gives
 * `[a, a, b, b]`. `repeats` is one count for all, or one per slice (length `x.shape[dim]`).
 * Without `dim` the input is flattened first. The gradient sums each group back.
 */
export function repeatInterleave(x: Tensor, repeats: number | readonly number[], dim?: number): Tensor {
  if (!(x instanceof Tensor)) throw new ArgumentError('repeatInterleave: x must be a Tensor');
  const src = dim === undefined || x.ndim === 0 ? flatten(x) : x;
  const d = dim === undefined ? 0 : normalizeDim('repeatInterleave', dim, src.ndim);
  const size = src.shape[d]!;
  if (typeof repeats === 'number') {
    checkCounts('repeatInterleave', [repeats]);
    // (.., n, ..) -> (.., n, 1, ..) -> expand (.., n, r, ..) -> (.., n·r, ..)
    const shape = [...src.shape];
    shape.splice(d + 1, 0, repeats);
    const spread = clone(expand(unsqueeze(src, d + 1), shape));
    return reshape(spread, src.shape.map((s, i) => (i === d ? s * repeats : s)));
  }
  const counts = [...repeats];
  checkCounts('repeatInterleave', counts);
  if (counts.length !== size && counts.length !== 1) {
    throw new ArgumentError(`repeatInterleave: repeats has ${counts.length} entries but dim ${d} of ${fmtShape(src.shape)} has size ${size}`);
  }
  if (counts.length === 1) return repeatInterleave(src, counts[0]!, d);
  const positions: number[] = [];
  counts.forEach((r, i) => {
    for (let k = 0; k < r; k++) positions.push(i);
  });
  return indexSelect(src, d, tensor(Int32Array.from(positions), { dtype: 'int32' }));
}

registerMethod('repeat', repeat);
registerMethod('repeatInterleave', repeatInterleave);
