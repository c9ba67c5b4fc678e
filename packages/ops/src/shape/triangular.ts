import {
  ArgumentError,
  ShapeError,
  Tensor,
  allocate,
  copyStrided,
  defineOp,
  fmtShape,
  registerMethod,
  type Op,
} from '@tsgrad/core';
import { maskTriangle } from '../kernels/triangular.js';

declare module '@tsgrad/core' {
  interface Tensor {
    /** `triu(this, diagonal)`. */
    triu(diagonal?: number): Tensor;
    /** `tril(this, diagonal)`. */
    tril(diagonal?: number): Tensor;
  }
}

function triangle(x: Tensor, diagonal: number, upper: boolean): Tensor {
  const out = allocate(x.dtype, x.size);
  copyStrided(x.storage.data, x.offset, x.strides, x.shape, out);
  const rows = x.shape[x.ndim - 2]!;
  const cols = x.shape[x.ndim - 1]!;
  const batch = rows * cols === 0 ? 0 : x.size / (rows * cols);
  maskTriangle(out, batch, rows, cols, diagonal, upper);
  return Tensor.fromData(out, x.shape);
}

function defineTriangle(name: 'triu' | 'tril', upper: boolean): Op<'x', { diagonal: number }> {
  return defineOp<'x', { diagonal: number }>({
    name,
    inputs: ['x'],
    saves: [],
    check: ({ x }, { diagonal }) => {
      if (x.ndim < 2) throw new ShapeError(`${name}: input must have at least 2 dims, got shape ${fmtShape(x.shape)}`);
      if (!Number.isInteger(diagonal)) throw new ArgumentError(`${name}: diagonal must be an integer, got ${diagonal}`);
    },
    forward: ({ x }, { diagonal }) => triangle(x, diagonal, upper),
    // A fixed mask: the gradient keeps the same triangle of dy.
    backward: ({ dy, args: { diagonal } }) => ({ x: upper ? triu(dy, diagonal) : tril(dy, diagonal) }),
  });
}

const Triu = defineTriangle('triu', true);
const Tril = defineTriangle('tril', false);

/**
 * The upper triangle of the last two dims (batched over the others), zeros elsewhere: keeps
 * element (i, j) when `j - i >= diagonal`. `diagonal` 0 keeps the main diagonal, 1 starts above
 * it, -1 below. Any dtype; needs at least 2 dims.
 */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return Triu.apply({ x }, { diagonal });
}

/**
 * The lower triangle of the last two dims (batched), zeros elsewhere: keeps element (i, j)
 * when `j - i <= diagonal`. `tril(ones([T, T]))` is the causal mask pattern.
 */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return Tril.apply({ x }, { diagonal });
}

registerMethod('triu', triu);
registerMethod('tril', tril);
