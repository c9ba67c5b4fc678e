import { Tensor, allocate, checkNormalizedDims, defineOp, div, eye, mul, permute, reductionLayout, registerMethod, reshape, unsqueeze } from '@tsgrad/core';
import { where } from '../elementwise/where.js';
import { reducedCount, reductionDims, withKeptDims, type ReduceArgs, type ReduceDims } from './dims.js';

declare module '@tsgrad/core' {
  interface Tensor {
    /** `prod(this, dim, keepDim)`. */
    prod(dim?: ReduceDims, keepDim?: boolean): Tensor;
  }
}

function prodKernel(x: Tensor, { dims, keepDim }: ReduceArgs): Tensor {
  const layout = reductionLayout(x, dims);
  const { data, length, rows } = layout;
  const out = allocate(x.dtype === 'bool' ? 'int32' : x.dtype, rows);
  for (let r = 0, start = layout.offset; r < rows; r++, start += length) {
    let p = 1;
    for (let i = start, end = start + length; i < end; i++) p *= data[i]!;
    out[r] = p;
  }
  return Tensor.fromData(out, keepDim ? layout.keptShape : layout.shape);
}

/**
 * Π_{k≠j} xₖ for every element j of each reduced row, exactly even where rows hold zeros:
 * row j of a (…, n, n) tensor is the row with xⱼ replaced by 1, then multiplied out. O(n²),
 * so only used when `x` has zeros; it is a product, so it differentiates correctly again.
 */
function leaveOneOutProducts(x: Tensor, dims: readonly number[]): Tensor {
  const kept = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const order = [...kept, ...dims];
  const keptSizes = kept.map((i) => x.shape[i]!);
  const n = reducedCount(x.shape, dims);
  const rows = reshape(permute(x, order), [...keptSizes, n]);
  const others = prod(where(eye(n, n, { dtype: 'bool' }), 1, unsqueeze(rows, -2)), -1);
  const inverse = order.map((_, i) => order.indexOf(i));
  return permute(reshape(others, order.map((i) => x.shape[i]!)), inverse);
}

/**
 * ∂(Π xₖ)/∂xⱼ = Π_{k≠j} xₖ without dividing by zero: prod/xⱼ when `x` has no zero (as
 * PyTorch), the exact leave-one-out products otherwise. Both are written with ops, so second
 * derivatives are right at zeros too.
 */
function prodGrad(dy: Tensor, x: Tensor, output: Tensor, { dims, keepDim }: ReduceArgs): Tensor {
  const kept = (t: Tensor) => withKeptDims(t, x.shape, dims, keepDim);
  const hasZero = x.toTypedArray().includes(0);
  return mul(kept(dy), hasZero ? leaveOneOutProducts(x, dims) : div(kept(output), x));
}

const Prod = defineOp<'x', ReduceArgs>({
  name: 'prod',
  inputs: ['x'],
  check: ({ x }, { dims }) => checkNormalizedDims('prod', 'dims', dims, x.ndim),
  saves: ['x', 'output'],
  forward: ({ x }, args) => prodKernel(x, args),
  backward: ({ dy, inputs: { x }, output, args }) => ({ x: prodGrad(dy, x, output, args) }),
});

/**
 * Product over `dim` (one, several, or all dims when omitted). Float and int32 keep their
 * dtype (int32 wraps on overflow); bool gives int32. An empty product is 1. The gradient
 * handles zeros exactly (no division by zero), to any order.
 */
export function prod(x: Tensor, dim?: ReduceDims, keepDim = false): Tensor {
  return Prod.apply({ x }, { dims: reductionDims('prod', x, dim), keepDim });
}

registerMethod('prod', prod);
