import { Tensor, allocate, checkNormalizedDim, defineOp, reductionLayout, type Op } from '@tsgrad/core';

/**
 * The two ops behind `max(x, dim)` / `min(x, dim)`: pick one element per row along a dim at
 * given indices, and its adjoint, which scatters a gradient back to those indices. Each is
 * the other's backward, so gradients of any order flow through the selected elements.
 */

/** Where the picked elements sit: the reduced dim, whether it is kept, the input shape. */
interface PickArgs {
  dim: number;
  keepDim: boolean;
}

interface ScatterArgs extends PickArgs {
  shape: readonly number[];
}

/** Product of the dims after `dim`: the stride of `dim` in a contiguous tensor. */
function innerSize(shape: readonly number[], dim: number): number {
  return shape.slice(dim + 1).reduce((n, d) => n * d, 1);
}

const Pick: Op<'x' | 'index', PickArgs> = defineOp<'x' | 'index', PickArgs, undefined, 'x'>({
  name: 'pickAlongDim',
  inputs: ['x', 'index'],
  differentiable: ['x'],
  saves: ['index'],
  check: ({ x }, { dim }) => checkNormalizedDim('pickAlongDim', 'dim', dim, x.ndim),
  forward: ({ x, index }, { dim, keepDim }) => {
    const layout = reductionLayout(x, x.ndim === 0 ? [] : [dim]);
    const idx = index.toTypedArray();
    const out = allocate(x.dtype, layout.rows);
    for (let r = 0; r < layout.rows; r++) out[r] = layout.data[layout.offset + r * layout.length + idx[r]!]!;
    return Tensor.fromData(out, keepDim ? layout.keptShape : layout.shape);
  },
  // The picked element's gradient is dy; the others get 0.
  // Fields listed, not spread (a property added after a spread is slow in V8: see views.ts's slice).
  backward: ({ dy, inputs: { x, index }, args: { dim, keepDim } }) => ({
    x: scatterAlongDim(dy, index, { dim, keepDim, shape: x.shape }),
  }),
});

const Scatter: Op<'dy' | 'index', ScatterArgs> = defineOp<'dy' | 'index', ScatterArgs, undefined, 'dy'>({
  name: 'pickAlongDimBackward',
  inputs: ['dy', 'index'],
  differentiable: ['dy'],
  saves: ['index'],
  check: (_inputs, { dim, shape }) => checkNormalizedDim('pickAlongDimBackward', 'dim', dim, shape.length),
  forward: ({ dy, index }, { dim, shape }) => {
    const out = allocate(dy.dtype, shape.reduce((n, d) => n * d, 1));
    const g = dy.toTypedArray();
    const idx = index.toTypedArray();
    const inner = shape.length === 0 ? 1 : innerSize(shape, dim);
    const block = (shape.length === 0 ? 1 : shape[dim]!) * inner;
    for (let r = 0; r < g.length; r++) {
      const o = Math.floor(r / inner);
      out[o * block + idx[r]! * inner + (r - o * inner)] = g[r]!;
    }
    return Tensor.fromData(out, shape);
  },
  backward: ({ dy, inputs: { index }, args: { dim, keepDim } }) => ({ dy: pickAlongDim(dy, index, { dim, keepDim }) }),
});

/**
 * `x`'s elements at `index` along `dim` (index: int32 in x's shape with `dim` of size 1, as
 * `argmax(x, dim, true)` gives it); the result drops `dim` unless `keepDim`.
 */
export function pickAlongDim(x: Tensor, index: Tensor, args: PickArgs): Tensor {
  return Pick.apply({ x, index }, args);
}

/** Zeros of `shape` with `dy` written at `index` along `dim`: the adjoint of {@link pickAlongDim}. */
function scatterAlongDim(dy: Tensor, index: Tensor, args: ScatterArgs): Tensor {
  return Scatter.apply({ dy, index }, args);
}
