import { isFloat, type DType } from '../dtype.js';
import { DTypeError } from '../errors.js';
import { mapUnary, type UnaryRow } from '../kernels/elementwise.js';
import { defineOp, registerMethod } from '../registry.js';
import type { Tensor } from '../tensor.js';

declare module '../tensor.js' {
  interface Tensor {
    /** `cast(this, dtype)`. */
    to(dtype: DType): Tensor;
  }
}

const copyRow: UnaryRow = (o, oi, os, x, xi, xs, n) => {
  for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = x[xi]!;
};
const toIntRow: UnaryRow = (o, oi, os, x, xi, xs, n) => {
  for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.trunc(x[xi]!);
};
const toBoolRow: UnaryRow = (o, oi, os, x, xi, xs, n) => {
  for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = x[xi]! !== 0 ? 1 : 0;
};

const Cast = defineOp<'x', { dtype: DType }>({
  name: 'cast',
  inputs: ['x'],
  saves: [],
  forward: ({ x }, { dtype }) =>
    mapUnary(x, dtype, dtype === 'bool' ? toBoolRow : dtype === 'int32' && isFloat(x.dtype) ? toIntRow : copyRow),
  backward: ({ dy, inputs: { x } }) => ({ x: cast(dy, x.dtype) }),
});

/**
 * Converts to `dtype` (a copy; `x` itself when the dtype already matches). Floats to int32
 * truncate toward zero; anything to bool is `value != 0`. Gradients flow between float dtypes.
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  if (!['float32', 'float64', 'int32', 'bool'].includes(dtype)) throw new DTypeError(`cast: unknown dtype '${dtype}'`);
  return Cast.apply({ x }, { dtype });
}

registerMethod('to', cast);
