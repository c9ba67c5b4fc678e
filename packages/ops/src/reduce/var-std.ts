import { ArgumentError, Tensor, allocate, checkNormalizedDims, defineOp, div, mul, reductionLayout, registerMethod, sub } from '@tsgrad/core';
import { statisticType } from '../elementwise/dtype-rules.js';
import { eq } from '../elementwise/compare.js';
import { where } from '../elementwise/where.js';
import { reducedCount, reductionDims, withKeptDims, type ReduceArgs, type ReduceDims } from './dims.js';
import { mean } from './mean.js';

/** Options of {@link variance} and {@link std}. */
export interface VarianceOptions {
  /**
   * Subtracted from the element count in the divisor: 1 (default) gives the unbiased sample
   * variance, 0 the population variance. When it is ≥ the count the divisor is 0 and the
   * result is NaN or Infinity, as in PyTorch.
   */
  correction?: number;
  /** Keep reduced dims as size 1. */
  keepDim?: boolean;
}

declare module '@tsgrad/core' {
  interface Tensor {
    /** `variance(this, dim, opts)`. */
    var(dim?: ReduceDims, opts?: VarianceOptions | boolean): Tensor;
    /** `std(this, dim, opts)`. */
    std(dim?: ReduceDims, opts?: VarianceOptions | boolean): Tensor;
  }
}

interface VarArgs extends ReduceArgs {
  correction: number;
}

/** Divisor of the sum of squared deviations: max(0, N − correction), as PyTorch. */
function divisor(shape: readonly number[], { dims, correction }: VarArgs): number {
  return Math.max(0, reducedCount(shape, dims) - correction);
}

/** Two passes per row (mean, then squared deviations) for accuracy; sqrt for std. */
function varianceKernel(x: Tensor, args: VarArgs, root: boolean): Tensor {
  const layout = reductionLayout(x, args.dims);
  const { data, length, rows } = layout;
  const den = divisor(x.shape, args);
  const out = allocate(statisticType(x.dtype), rows);
  for (let r = 0, start = layout.offset; r < rows; r++, start += length) {
    const end = start + length;
    let acc = 0;
    for (let i = start; i < end; i++) acc += data[i]!;
    const m = acc / length;
    let ss = 0;
    for (let i = start; i < end; i++) {
      const d = data[i]! - m;
      ss += d * d;
    }
    out[r] = root ? Math.sqrt(ss / den) : ss / den;
  }
  return Tensor.fromData(out, args.keepDim ? layout.keptShape : layout.shape);
}

/** dx = dvar · 2(x − mean) / (N − correction), with dvar in the kept shape. */
function varianceGrad(dvar: Tensor, x: Tensor, args: VarArgs): Tensor {
  const centered = sub(x, mean(x, args.dims, true));
  return mul(mul(withKeptDims(dvar, x.shape, args.dims, args.keepDim), centered), 2 / divisor(x.shape, args));
}

const Var = defineOp<'x', VarArgs>({
  name: 'var',
  inputs: ['x'],
  check: ({ x }, { dims }) => checkNormalizedDims('var', 'dims', dims, x.ndim),
  forward: ({ x }, args) => varianceKernel(x, args, false),
  backward: ({ dy, inputs: { x }, args }) => ({ x: varianceGrad(dy, x, args) }), // d var = 2(x − x̄)/(N − c) dx
});

const Std = defineOp<'x', VarArgs>({
  name: 'std',
  inputs: ['x'],
  check: ({ x }, { dims }) => checkNormalizedDims('std', 'dims', dims, x.ndim),
  saves: ['x', 'output'],
  forward: ({ x }, args) => varianceKernel(x, args, true),
  // d std = d var / (2 std); 0 where std = 0 (constant rows), as PyTorch
  backward: ({ dy, inputs: { x }, output, args }) => ({
    x: varianceGrad(where(eq(output, 0), 0, div(dy, mul(output, 2))), x, args),
  }),
});

function varArgs(op: string, x: Tensor, dim: ReduceDims, opts: VarianceOptions | boolean): VarArgs {
  const { correction = 1, keepDim = false } = typeof opts === 'boolean' ? { keepDim: opts } : opts;
  if (typeof correction !== 'number' || !Number.isFinite(correction) || correction < 0) {
    throw new ArgumentError(`${op}: correction must be a finite number >= 0, got ${String(correction)}`);
  }
  return { dims: reductionDims(op, x, dim), keepDim, correction };
}

/**
 * Variance over `dim` (one, several, or all dims when omitted or null): the sum of squared
 * deviations from the mean divided by N − correction (`correction` defaults to 1, PyTorch's
 * unbiased estimate). `opts` may be just the `keepDim` boolean. Float dtypes kept; int32 and
 * bool give float32. A divisor ≤ 0 (correction ≥ N, e.g. one element with correction 1) gives
 * NaN, or Infinity for a nonzero sum, as in PyTorch. Exported as `var` too.
 *
 * ```ts
 * variance(x, -1, { correction: 0, keepDim: true })   // LayerNorm's biased variance
 * ```
 */
export function variance(x: Tensor, dim?: ReduceDims, opts: VarianceOptions | boolean = {}): Tensor {
  return Var.apply({ x }, varArgs('var', x, dim, opts));
}

/** Standard deviation: √{@link variance}, with the same dims, correction and dtypes. */
export function std(x: Tensor, dim?: ReduceDims, opts: VarianceOptions | boolean = {}): Tensor {
  return Std.apply({ x }, varArgs('std', x, dim, opts));
}

registerMethod('var', variance);
registerMethod('std', std);
