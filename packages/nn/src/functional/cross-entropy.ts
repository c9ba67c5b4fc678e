import { ArgumentError, Tensor, allocate, allocateUninitialized, defineOp, isGradEnabled, mul, sub, type TypedArray } from '@tsgrad/core';
import { SOFTMAX_STATS_PER_ROW, shiftScaleRowsWasm, softmax, softmaxRowsWasm } from '@tsgrad/ops';
import {
  applyBatched,
  classLayout,
  classificationOptions,
  countedMask,
  gradScale,
  reducedLoss,
  targetDistribution,
  type ClassLayout,
  type ClassificationLossOptions,
  type Reduction,
} from './loss-common.js';

/** Options of `crossEntropy`. */
export interface CrossEntropyOptions extends ClassificationLossOptions {
  /** Mixes the one-hot target with the uniform distribution: (1 − ε)·onehot + ε/C (default 0). */
  labelSmoothing?: number;
}

interface Args {
  ignoreIndex: number;
  smoothing: number;
  reduction: Reduction;
}

interface Saved {
  layout: ClassLayout;
  /** softmax(logits) in the logits' layout and dtype (what the gradient needs, like PyTorch's saved log-softmax). */
  probs: TypedArray;
  count: number;
}

/**
 * softmax over the class dim into `probs` and, per position, the max m, log Σ e^(x − m) and
 * Σ x into `stats`, in float64 (the float64 path, the fallback and the reference of the
 * WebAssembly kernel).
 */
function softmaxStats({ n, c, d, x, xo }: ClassLayout, probs: TypedArray, stats: Float64Array): void {
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) {
      const base = xo + i * c * d + k;
      let max = -Infinity;
      for (let j = 0; j < c; j++) max = Math.max(max, x[base + j * d]!);
      const pBase = base - xo;
      let s = 0;
      let sum = 0;
      for (let j = 0; j < c; j++) {
        const v = x[base + j * d]!;
        const e = Math.exp(v - max);
        probs[pBase + j * d] = e;
        s += e;
        sum += v;
      }
      for (let j = 0; j < c; j++) probs[pBase + j * d] = probs[pBase + j * d]! / s;
      const at = SOFTMAX_STATS_PER_ROW * (i * d + k);
      stats[at] = max;
      stats[at + 1] = Math.log(s);
      stats[at + 2] = sum;
    }
  }
}

function forwardKernel(logits: Tensor, target: Tensor, { ignoreIndex, smoothing, reduction }: Args): { output: Tensor; saved: Saved } {
  const layout = classLayout('crossEntropy', logits, target, ignoreIndex);
  const { n, c, d, x, xo, t, to } = layout;
  const losses = allocate(logits.dtype, n * d);
  // Both the SIMD kernel and softmaxStats write every probability.
  const probs = allocateUninitialized(logits.dtype, n * c * d);
  const stats = new Float64Array(SOFTMAX_STATS_PER_ROW * n * d);
  // Float32 logits with the classes contiguous (the (N, C) case) take the SIMD row kernel.
  const simd = d === 1 && probs instanceof Float32Array && x instanceof Float32Array && softmaxRowsWasm(probs, x, xo, n, c, false, stats);
  if (!simd) softmaxStats(layout, probs, stats);
  let total = 0;
  let count = 0;
  for (let pos = 0; pos < n * d; pos++) {
    const cls = t[to + pos]!;
    if (cls === ignoreIndex) continue;
    const at = SOFTMAX_STATS_PER_ROW * pos;
    const max = stats[at]!;
    const k = pos % d;
    const xt = x[xo + (pos - k) * c + k + cls * d]!;
    // (1−ε)(lse − x_t) + ε(lse − mean x), kept relative to the max so huge logits cancel
    // exactly; without smoothing a -Infinity logit elsewhere must not turn 0·∞ into NaN.
    const smooth = smoothing === 0 ? 0 : smoothing * (max - stats[at + 2]! / c);
    const loss = (1 - smoothing) * (max - xt) + smooth + stats[at + 1]!;
    losses[pos] = loss;
    total += loss;
    count++;
  }
  return { output: reducedLoss(losses, total, count, reduction, layout, logits.dtype), saved: { layout, probs, count } };
}

// dlogits = (softmax(logits) − ((1−ε)·onehot + ε/C)) · dy, zero at ignored positions.
function backwardKernel(dy: Tensor, logits: Tensor, { ignoreIndex, smoothing, reduction }: Args, saved: Saved): Tensor {
  const { layout, probs, count } = saved;
  const { n, c, d, t, to } = layout;
  const g = dy.isContiguous() ? dy : dy.contiguous();
  const gd = g.storage.data;
  const out = allocate(logits.dtype, n * c * d);
  const uniform = smoothing / c;
  const on = 1 - smoothing;
  const scalar = reduction === 'none' ? 0 : reduction === 'sum' ? gd[g.offset]! : count === 0 ? 0 : gd[g.offset]! / count;
  // dy's factor per position, 0 where ignored.
  const scales = new Float64Array(n * d);
  for (let pos = 0; pos < n * d; pos++) {
    scales[pos] = t[to + pos] === ignoreIndex ? 0 : reduction === 'none' ? gd[g.offset + pos]! : scalar;
  }
  const simd = d === 1 && out instanceof Float32Array && probs instanceof Float32Array &&
    shiftScaleRowsWasm(out, probs, new Float32Array(scales), n, c, uniform);
  for (let pos = 0; pos < n * d; pos++) {
    const cls = t[to + pos]!;
    const k = pos % d;
    const base = (pos - k) * c + k;
    if (cls === ignoreIndex) {
      // A NaN probability times the zero scale would leave NaN where PyTorch has 0.
      if (simd) out.fill(0, base, base + c);
      continue;
    }
    const scale = scales[pos]!;
    if (!simd) for (let j = 0; j < c; j++) out[base + j * d] = (probs[base + j * d]! - uniform) * scale;
    out[base + cls * d] -= on * scale;
  }
  return Tensor.fromData(out, logits.shape);
}

const CrossEntropy = defineOp<'logits' | 'target', Args, Saved, 'logits'>({
  name: 'crossEntropy',
  inputs: ['logits', 'target'],
  differentiable: ['logits'],
  saves: ['logits', 'target'],
  forward: ({ logits, target }, args) => forwardKernel(logits, target, args),
  backward: ({ dy, inputs: { logits }, args, saved }) => {
    if (!isGradEnabled()) return { logits: backwardKernel(dy, logits, args, saved) };
    // createGraph: the same gradient from differentiable ops.
    const { ignoreIndex, smoothing, reduction } = args;
    const c = saved.layout.c;
    const dist = targetDistribution(saved.layout, ignoreIndex, 1 - smoothing, smoothing / c, logits.shape, logits.dtype);
    const mask = countedMask(saved.layout, ignoreIndex, logits.dtype);
    const diff = sub(mul(softmax(logits, 1), mask), dist);
    return { logits: mul(diff, gradScale(dy, reduction, saved.count)) };
  },
});

/**
 * Cross-entropy between `logits` and int32 class indices, fused with the log-softmax (one op,
 * backward `softmax − target`), stable for logits of any magnitude. Layout follows PyTorch:
 * logits `(N, C)` or `(N, C, d1, ...)` with the class dim 1 and target `(N)` /
 * `(N, d1, ...)`; a `(C)` input takes a 0-d target. For `(B, T, C)` language-model logits,
 * flatten first: `crossEntropy(logits.reshape([-1, C]), targets.reshape([-1]))`.
 *
 * Targets equal to `ignoreIndex` contribute nothing; 'mean' divides by the number of other
 * targets (NaN when all are ignored, as in PyTorch). Out-of-range targets throw.
 */
export function crossEntropy(logits: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const { reduction, ignoreIndex } = classificationOptions('crossEntropy', opts);
  const smoothing = opts.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing <= 1)) {
    throw new ArgumentError(`crossEntropy: labelSmoothing must be in [0, 1], got ${smoothing}`);
  }
  return applyBatched('crossEntropy', logits, target, reduction, (x, t) =>
    CrossEntropy.apply({ logits: x, target: t }, { ignoreIndex, smoothing, reduction }),
  );
}
