import { DTypeError, ShapeError, Tensor, fmtShape, isFloat, mul, shapesEqual, sub, sum } from '@tsgrad/core';
import { checkReduction, type Reduction } from './loss-common.js';

/** Options of `mseLoss`. */
export interface MSELossOptions {
  /** 'mean' (default), 'sum', or 'none' (elementwise squared errors). */
  reduction?: Reduction;
}

/**
 * Mean squared error `(input − target)²`, reduced by `reduction`. Shapes must match (PyTorch
 * warns and broadcasts; tsgrad refuses, since broadcasting here is nearly always a bug).
 * Gradients flow to both arguments.
 */
export function mseLoss(input: Tensor, target: Tensor, opts: MSELossOptions = {}): Tensor {
  const reduction = opts.reduction ?? 'mean';
  checkReduction('mseLoss', reduction);
  if (!shapesEqual(input.shape, target.shape)) {
    throw new ShapeError(`mseLoss: input of shape ${fmtShape(input.shape)} and target of shape ${fmtShape(target.shape)} differ`);
  }
  if (!isFloat(input.dtype) || !isFloat(target.dtype)) {
    throw new DTypeError(`mseLoss: input and target must be float32 or float64, got ${input.dtype} and ${target.dtype}`);
  }
  const diff = sub(input, target);
  const squared = mul(diff, diff);
  if (reduction === 'none') return squared;
  const total = sum(squared);
  return reduction === 'sum' ? total : total.div(input.size);
}
