import { ArgumentError, DTypeError, ShapeError, Tensor, allocate, contiguous, fmtShape, isFloat, type DType, type TypedArray } from '@tsgrad/core';

/** How a per-element loss is reduced: averaged (over counted elements), summed, or kept. */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options shared by the classification losses. */
export interface ClassificationLossOptions {
  /** Target value that contributes neither loss nor gradient (default -100, as in PyTorch). */
  ignoreIndex?: number;
  /** 'mean' (default) averages over non-ignored targets; 'sum'; 'none' keeps the target's shape. */
  reduction?: Reduction;
}

/**
 * Logits/log-probabilities viewed as `[N, C, D]` (class dim 1, D = product of trailing dims),
 * with the int32 target `[N, D]` checked against it.
 */
export interface ClassLayout {
  n: number;
  c: number;
  d: number;
  /** Shape of the unreduced loss: the target's shape. */
  lossShape: number[];
  /** Contiguous input data and offset. */
  x: ArrayLike<number>;
  xo: number;
  /** Target values and offset. */
  t: Int32Array;
  to: number;
}

/** Checks the reduction option. */
export function checkReduction(op: string, reduction: string): asserts reduction is Reduction {
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new ArgumentError(`${op}: reduction must be 'mean', 'sum' or 'none', got '${reduction}'`);
  }
}

/**
 * Validates input (≥ 2-D here; callers lift 1-D inputs) and target shapes, dtypes and target
 * values (each in [0, C) or equal to ignoreIndex), naming the first bad value.
 */
export function classLayout(op: string, input: Tensor, target: Tensor, ignoreIndex: number): ClassLayout {
  if (!isFloat(input.dtype)) throw new DTypeError(`${op}: input must be float32 or float64, got ${input.dtype}`);
  if (target.dtype !== 'int32') throw new DTypeError(`${op}: target must be int32 class indices, got ${target.dtype}`);
  const [n, c, ...rest] = input.shape as number[];
  const expected = [n!, ...rest];
  if (target.ndim !== expected.length || !target.shape.every((s, i) => s === expected[i])) {
    throw new ShapeError(
      `${op}: target of shape ${fmtShape(target.shape)} does not fit input of shape ${fmtShape(input.shape)}; expected target shape ${fmtShape(expected)} (class dim is 1)`,
    );
  }
  const xc = input.isContiguous() ? input : contiguous(input);
  const tc = target.isContiguous() ? target : contiguous(target);
  const t = tc.storage.data as Int32Array;
  const size = tc.size;
  for (let i = 0; i < size; i++) {
    const v = t[tc.offset + i]!;
    if ((v < 0 || v >= c!) && v !== ignoreIndex) {
      throw new ArgumentError(
        `${op}: target value ${v} at flat position ${i} is out of range for ${c} classes (ignoreIndex is ${ignoreIndex})`,
      );
    }
  }
  return { n: n!, c: c!, d: rest.reduce((a, b) => a * b, 1), lossShape: expected, x: xc.storage.data, xo: xc.offset, t, to: tc.offset };
}

/** Lifts a 1-D input `(C)` with a 0-d target to `(1, C)` and `(1)`, as PyTorch accepts both. */
function liftUnbatched(op: string, input: Tensor, target: Tensor): [Tensor, Tensor, boolean] {
  if (input.ndim === 0) throw new ShapeError(`${op}: input must have a class dim, got a 0-d tensor`);
  if (input.ndim !== 1) return [input, target, false];
  if (target.ndim !== 0) {
    throw new ShapeError(`${op}: a 1-D input of shape ${fmtShape(input.shape)} needs a 0-d target, got ${fmtShape(target.shape)}`);
  }
  return [input.reshape([1, input.shape[0]!]), target.reshape([1]), true];
}

/** The reduction and ignoreIndex of `opts` with PyTorch's defaults ('mean', -100); the reduction is checked. */
export function classificationOptions(op: string, opts: ClassificationLossOptions): { reduction: Reduction; ignoreIndex: number } {
  const reduction = opts.reduction ?? 'mean';
  checkReduction(op, reduction);
  return { reduction, ignoreIndex: opts.ignoreIndex ?? -100 };
}

/**
 * Runs the batched loss `apply` on `input`/`target`, first lifting an unbatched `(C)` input and
 * its 0-d target to a batch of one; an unreduced loss is then handed back 0-d.
 */
export function applyBatched(
  op: string, input: Tensor, target: Tensor, reduction: Reduction, apply: (input: Tensor, target: Tensor) => Tensor,
): Tensor {
  const [x, t, lifted] = liftUnbatched(op, input, target);
  const loss = apply(x, t);
  return lifted && reduction === 'none' ? loss.reshape([]) : loss;
}

/**
 * The forward's result: the per-position `losses` in the target's shape for 'none', otherwise
 * a 0-d tensor holding their `total`, divided for 'mean' by the `count` of counted targets.
 */
export function reducedLoss(losses: TypedArray, total: number, count: number, reduction: Reduction, layout: ClassLayout, dtype: DType): Tensor {
  if (reduction === 'none') return Tensor.fromData(losses, layout.lossShape);
  const out = allocate(dtype, 1);
  out[0] = reduction === 'sum' ? total : total / count;
  return Tensor.fromData(out, []);
}

/**
 * A constant `[N, C, D]`-shaped tensor: `on + off` at each counted target's class, `off`
 * elsewhere in counted rows, 0 in ignored rows. Builds one-hot and smoothed targets.
 */
export function targetDistribution(layout: ClassLayout, ignoreIndex: number, on: number, off: number, shape: readonly number[], dtype: DType): Tensor {
  const { n, c, d, t, to } = layout;
  const out = allocate(dtype, n * c * d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) {
      const cls = t[to + i * d + k]!;
      if (cls === ignoreIndex) continue;
      const base = i * c * d + k;
      if (off !== 0) for (let j = 0; j < c; j++) out[base + j * d] = off;
      out[base + cls * d] = on + off;
    }
  }
  return Tensor.fromData(out, shape);
}

/** A constant mask shaped like the loss with the class dim kept (`[N, 1, d...]`): 1 counted, 0 ignored. */
export function countedMask(layout: ClassLayout, ignoreIndex: number, dtype: DType): Tensor {
  const { n, d, t, to } = layout;
  const out = allocate(dtype, n * d);
  for (let i = 0; i < n * d; i++) out[i] = t[to + i] === ignoreIndex ? 0 : 1;
  return Tensor.fromData(out, [layout.lossShape[0]!, 1, ...layout.lossShape.slice(1)]);
}

/**
 * The per-position factor of the incoming gradient, broadcastable over the class dim:
 * `dy/count` (mean), `dy` (sum), or dy with a class dim inserted (none).
 */
export function gradScale(dy: Tensor, reduction: Reduction, count: number): Tensor {
  if (reduction === 'none') return dy.unsqueeze(1);
  // With every target ignored the mean is NaN but its gradient is zero, as in PyTorch.
  if (reduction === 'mean') return count === 0 ? dy.mul(0) : dy.div(count);
  return dy;
}
