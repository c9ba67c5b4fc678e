import { ShapeError, Tensor, TsgradError, fmtShape, permute, transpose } from '@tsgrad/core';

declare module '@tsgrad/core' {
  interface Tensor {
    /**
     * The transpose of the last two dims, `(..., m, n) -> (..., n, m)`: a view sharing
     * storage (no copy). Needs at least 2 dims.
     */
    readonly mT: Tensor;
    /** All dims reversed (a view); 0-d and 1-D tensors are returned as they are. */
    readonly T: Tensor;
  }
}

/** `x.mT`: swaps the last two dims of a (batched) matrix; a view. */
export function matrixTranspose(x: Tensor): Tensor {
  if (x.ndim < 2) {
    throw new ShapeError(`mT: expected a matrix or a batch of matrices (at least 2 dims), got shape ${fmtShape(x.shape)}`);
  }
  return transpose(x, -2, -1);
}

/** `x.T`: reverses every dim (PyTorch's `Tensor.T`); a view. */
export function reverseDims(x: Tensor): Tensor {
  if (x.ndim < 2) return x;
  return permute(x, x.shape.map((_, i) => x.ndim - 1 - i));
}

function defineGetter(name: string, get: (x: Tensor) => Tensor): void {
  if (name in Tensor.prototype) throw new TsgradError(`${name}: Tensor already has a member named '${name}'`);
  Object.defineProperty(Tensor.prototype, name, {
    get(this: Tensor) {
      return get(this);
    },
    configurable: true,
  });
}

defineGetter('mT', matrixTranspose);
defineGetter('T', reverseDims);
