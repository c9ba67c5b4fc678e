// Gradcheck cases for the elementwise, reduction and nn ops of @tsgrad/ops and for core's
// arithmetic, sum, sumToShape and cast. Sizes are drawn from a seeded generator when a case's
// inputs are made; inputs keep away from kinks (relu/abs at 0, clamp bounds, max/min
// crossings) and stay positive where the op needs it (log, sqrt, pow with a tensor exponent).
import { Generator, add, cast, div, grad, mul, neg, rand, randn, sub, sum, sumToShape, tensor, type Tensor } from '@tsgrad/core';
import {
  abs,
  amax,
  amin,
  clamp,
  dropout,
  erf,
  exp,
  gelu,
  log,
  log1p,
  logSoftmax,
  logsumexp,
  maskedFill,
  max,
  maximum,
  mean,
  min,
  minimum,
  pow,
  prod,
  relu,
  rsqrt,
  sigmoid,
  sign,
  silu,
  softmax,
  sqrt,
  std,
  tanh,
  variance,
  where,
} from '@tsgrad/ops';
import type { GradcheckCase } from './types.js';

const g = new Generator(31415);
/** A size in [lo, hi], drawn when the case's inputs are made. */
const size = (lo: number, hi: number) => g.integer(lo, hi + 1);
const leaf = (shape: number[]) => randn(shape, { dtype: 'float64', generator: g, requiresGrad: true });
/** Values in [lo, hi). */
const uniform = (shape: number[], lo: number, hi: number) =>
  rand(shape, { dtype: 'float64', generator: g }).mul(hi - lo).add(lo).requiresGrad_();
/** Standard normal values pushed at least `gap` away from each of `kinks`. */
const awayFrom = (shape: number[], kinks: number[], gap = 0.05) => {
  const x = randn(shape, { dtype: 'float64', generator: g });
  const data = x.storage.data;
  for (let i = 0; i < data.length; i++) {
    for (const k of kinks) if (Math.abs(data[i]! - k) < gap) data[i] = k + (data[i]! < k ? -gap : gap);
  }
  return x.requiresGrad_();
};
const mask = (shape: number[]) => rand(shape, { generator: g }).lt(0.5);
const float64 = (data: number[][]) => tensor(data, { dtype: 'float64', requiresGrad: true });
/** dx = grad of `f` at x for the incoming gradient dy, recorded so it can be differentiated. */
const backwardOf = (f: (x: Tensor) => Tensor) => (dy?: Tensor, x?: Tensor) =>
  grad(f(x!), x!, { gradOutputs: dy!, createGraph: true })[0]!;

/** Cases for core's arithmetic and reductions. */
const coreCases: GradcheckCase[] = [
  { op: 'add', name: 'broadcast both sides', inputs: () => [leaf([2, 1, 4]), leaf([size(1, 3), 1])], fn: (a, b) => add(a!, b!), secondOrder: true },
  { op: 'add', name: 'alpha and a number', inputs: () => [leaf([3]), leaf([2, 3])], fn: (a, b) => add(add(a!, 2), b!, { alpha: -1.5 }), secondOrder: true },
  { op: 'sub', name: 'broadcast, same tensor twice', inputs: () => [leaf([2, 3]), leaf([3])], fn: (a, b) => sub(sub(a!, b!), mul(a!, a!)), secondOrder: true },
  { op: 'mul', name: 'broadcast with a 0-d tensor', inputs: () => [leaf([2, 3]), leaf([])], fn: (a, b) => mul(a!, b!), secondOrder: true },
  { op: 'mul', name: 'x·x', inputs: () => [leaf([size(2, 5)])], fn: (a) => mul(a!, a!), secondOrder: true },
  { op: 'div', name: 'broadcast denominator away from 0', inputs: () => [leaf([2, 3]), uniform([3], 0.5, 2)], fn: (a, b) => div(a!, b!), secondOrder: true },
  { op: 'div', name: 'number over a negative tensor', inputs: () => [uniform([2, 2], -2, -0.5)], fn: (b) => div(3, b!), secondOrder: true },
  { op: 'neg', name: 'transposed view', inputs: () => [leaf([2, 3])], fn: (x) => neg(x!.transpose(0, 1)), secondOrder: true },
  { op: 'sum', name: 'dims 0 and 2, keepDim', inputs: () => [leaf([2, 3, size(1, 4)])], fn: (x) => sum(x!, [0, 2], true), secondOrder: true },
  { op: 'sum', name: 'all, of a product', inputs: () => [leaf([3, 2])], fn: (x) => sum(mul(x!, x!)), secondOrder: true },
  { op: 'sumToShape', name: '[2,3,4] to [3,1]', inputs: () => [leaf([2, 3, 4])], fn: (x) => sumToShape(x!, [3, 1]), secondOrder: true },
  {
    op: 'cast',
    name: 'float64 to float32 and back (small values: float32 rounding below the step)',
    inputs: () => [leaf([2, 3]).detach().mul(1e-3).requiresGrad_()],
    fn: (x) => cast(mul(cast(x!, 'float32'), 2), 'float64'),
  },
];

/** Cases for the elementwise ops. */
const elementwiseOpCases: GradcheckCase[] = [
  { op: 'exp', name: 'broadcast into a product', inputs: () => [leaf([2, 3]), leaf([3])], fn: (x, y) => mul(exp(x!), y!), secondOrder: true },
  { op: 'log', name: 'positive', inputs: () => [uniform([2, size(2, 4)], 0.3, 3)], fn: (x) => log(x!), secondOrder: true },
  { op: 'log1p', name: 'above -1', inputs: () => [uniform([3, 2], -0.7, 2)], fn: (x) => log1p(x!), secondOrder: true },
  { op: 'sqrt', name: 'positive', inputs: () => [uniform([2, 3], 0.3, 3)], fn: (x) => sqrt(x!), secondOrder: true },
  { op: 'rsqrt', name: 'positive, transposed', inputs: () => [uniform([3, 2], 0.3, 3)], fn: (x) => rsqrt(x!.mT), secondOrder: true },
  { op: 'pow', name: 'tensor exponent, broadcast', inputs: () => [uniform([2, 3], 0.5, 2.5), leaf([3])], fn: (a, b) => pow(a!, b!), secondOrder: true },
  { op: 'pow', name: 'number base', inputs: () => [leaf([4])], fn: (b) => pow(2, b!), secondOrder: true },
  { op: 'powScalar', name: 'cube, negative values', inputs: () => [leaf([2, 3])], fn: (x) => pow(x!, 3), secondOrder: true },
  { op: 'powScalar', name: 'square', inputs: () => [leaf([size(2, 5)])], fn: (x) => pow(x!, 2), secondOrder: true },
  { op: 'powScalar', name: 'exponent -1.5, positive', inputs: () => [uniform([2, 2], 0.5, 2)], fn: (x) => pow(x!, -1.5), secondOrder: true },
  { op: 'powScalar', name: 'exponent 0 (zero gradient)', inputs: () => [leaf([3])], fn: (x) => mul(pow(x!, 0), x!), secondOrder: true },
  { op: 'abs', name: 'away from 0', inputs: () => [awayFrom([2, 3], [0])], fn: (x) => abs(x!), secondOrder: true },
  { op: 'sign', name: 'times x, away from 0', inputs: () => [awayFrom([2, 3], [0])], fn: (x) => mul(sign(x!), x!), secondOrder: true },
  { op: 'tanh', name: 'spread', inputs: () => [leaf([2, 3]).detach().mul(2).requiresGrad_()], fn: (x) => tanh(x!), secondOrder: true },
  { op: 'sigmoid', name: 'spread', inputs: () => [leaf([3, 2]).detach().mul(3).requiresGrad_()], fn: (x) => sigmoid(x!), secondOrder: true },
  { op: 'relu', name: 'away from 0', inputs: () => [awayFrom([3, 4], [0])], fn: (x) => relu(x!), secondOrder: true },
  { op: 'erf', name: 'spread', inputs: () => [leaf([2, 3]).detach().mul(1.5).requiresGrad_()], fn: (x) => erf(x!), secondOrder: true },
  { op: 'gelu', name: 'exact', inputs: () => [leaf([3, 4]).detach().mul(3).requiresGrad_()], fn: (x) => gelu(x!), secondOrder: true },
  { op: 'gelu', name: 'tanh approximation', inputs: () => [leaf([3, 4]).detach().mul(3).requiresGrad_()], fn: (x) => gelu(x!, { approximate: 'tanh' }), secondOrder: true },
  { op: 'geluBackward', name: 'exact, in dy and x', inputs: () => [leaf([2, 3]), leaf([2, 3])], fn: backwardOf((x) => gelu(x)), secondOrder: true },
  { op: 'geluBackward', name: 'tanh, in dy and x', inputs: () => [leaf([2, 3]), leaf([2, 3])], fn: backwardOf((x) => gelu(x, { approximate: 'tanh' })), secondOrder: true },
  { op: 'silu', name: 'spread', inputs: () => [leaf([2, 4]).detach().mul(3).requiresGrad_()], fn: (x) => silu(x!), secondOrder: true },
  { op: 'siluBackward', name: 'in dy and x', inputs: () => [leaf([2, 3]), leaf([2, 3])], fn: backwardOf((x) => silu(x)), secondOrder: true },
  { op: 'clamp', name: 'min and max, away from the bounds', inputs: () => [awayFrom([3, 4], [-0.5, 0.5])], fn: (x) => clamp(x!, { min: -0.5, max: 0.5 }), secondOrder: true },
  { op: 'clamp', name: 'min only', inputs: () => [awayFrom([2, 3], [0.2])], fn: (x) => clamp(x!, { min: 0.2 }) },
  { op: 'maximum', name: 'broadcast, mixed winners', inputs: () => [float64([[0.3, -1.2, 2], [1.1, 0.4, -0.5]]), float64([[0.8, -1, 0.1]])], fn: (a, b) => maximum(a!, b!), secondOrder: true },
  { op: 'maximum', name: 'ties split the gradient half/half', inputs: () => { const a = leaf([4]); return [a, tensor(a).requiresGrad_()]; }, fn: (a, b) => maximum(a!, b!) },
  { op: 'minimum', name: 'broadcast with a number', inputs: () => [awayFrom([2, 3], [0.25])], fn: (a) => minimum(a!, 0.25), secondOrder: true },
  { op: 'minimum', name: 'ties split the gradient half/half', inputs: () => { const a = leaf([3]); return [a, tensor(a).requiresGrad_()]; }, fn: (a, b) => minimum(a!, b!) },
  { op: 'where', name: 'condition, a and b all broadcast', inputs: () => [mask([2, 3]), leaf([3]), leaf([2, 1])], fn: (c, a, b) => where(c!, a!, b!), secondOrder: true },
  { op: 'where', name: 'number branch', inputs: () => [mask([3]), leaf([2, 3])], fn: (c, a) => where(c!, a!, -1), secondOrder: true },
];

/** Cases for the reductions. */
const reductionCases: GradcheckCase[] = [
  { op: 'mean', name: 'all', inputs: () => [leaf([2, 3])], fn: (x) => mean(x!), secondOrder: true },
  { op: 'mean', name: 'dims [0, 2], keepDim, of a transposed view', inputs: () => [leaf([4, 3, 2])], fn: (x) => mean(x!.transpose(0, 2), [0, 2], true), secondOrder: true },
  { op: 'var', name: 'last dim, correction 1', inputs: () => [leaf([3, size(2, 5)])], fn: (x) => variance(x!, -1), secondOrder: true },
  { op: 'var', name: 'dims [0, 2], correction 0, keepDim', inputs: () => [leaf([2, 3, 4])], fn: (x) => variance(x!, [0, 2], { correction: 0, keepDim: true }), secondOrder: true },
  { op: 'std', name: 'all, correction 1', inputs: () => [leaf([2, 3])], fn: (x) => std(x!), secondOrder: true },
  { op: 'std', name: 'dim 1, correction 0', inputs: () => [leaf([3, 4])], fn: (x) => std(x!, 1, { correction: 0 }), secondOrder: true },
  { op: 'amax', name: 'dims [0, 2]', inputs: () => [leaf([2, 3, 4])], fn: (x) => amax(x!, [0, 2]), secondOrder: true },
  { op: 'amax', name: 'global max (max without dim)', inputs: () => [leaf([3, 4])], fn: (x) => max(x!) },
  { op: 'amax', name: 'a two-way tie splits evenly', inputs: () => [float64([[1, 3, 3, -2], [0, 5, 1, 2]])], fn: (x) => amax(x!, 1) },
  { op: 'amin', name: 'last dim, keepDim', inputs: () => [leaf([3, 4])], fn: (x) => amin(x!, -1, true), secondOrder: true },
  { op: 'pickAlongDim', name: 'max along dim 1', inputs: () => [leaf([2, size(2, 5), 3])], fn: (x) => max(x!, 1).values, secondOrder: true },
  { op: 'pickAlongDim', name: 'min along dim 0, keepDim', inputs: () => [leaf([4, 3])], fn: (x) => min(x!, 0, true).values, secondOrder: true },
  {
    op: 'pickAlongDimBackward',
    name: 'as a function of the incoming gradient',
    inputs: () => [leaf([3, 2]), leaf([3, 4, 2])],
    fn: backwardOf((x) => max(x, 1).values),
    secondOrder: true,
  },
  { op: 'logsumexp', name: 'dim 1', inputs: () => [leaf([2, 4, 3])], fn: (x) => logsumexp(x!, 1), secondOrder: true },
  { op: 'logsumexp', name: 'dims [0, 2], keepDim, large values', inputs: () => [leaf([2, 3, 2]).detach().mul(50).requiresGrad_()], fn: (x) => logsumexp(x!, [0, 2], true), secondOrder: true },
  { op: 'prod', name: 'dim 1, no zeros', inputs: () => [leaf([3, size(2, 4)])], fn: (x) => prod(x!, 1), secondOrder: true },
  { op: 'prod', name: 'rows with one and two zeros', inputs: () => [float64([[0.5, 0, 2, -1.5], [0, 3, 0, 1], [1.5, -2, 0.5, 3]])], fn: (x) => prod(x!, 1), secondOrder: true },
  { op: 'prod', name: 'all, one zero', inputs: () => [float64([[0.5, 0, 2], [1.5, -2, 3]])], fn: (x) => prod(x!), secondOrder: true },
];

/** Cases for softmax, masking and dropout. */
const nnOpCases: GradcheckCase[] = [
  { op: 'softmax', name: 'last dim', inputs: () => [leaf([2, 3, 4])], fn: (x) => softmax(x!, -1), secondOrder: true },
  { op: 'softmax', name: 'middle dim of a transposed view', inputs: () => [leaf([4, 3, 2])], fn: (x) => softmax(x!.transpose(0, 2), 1), secondOrder: true },
  { op: 'softmaxBackward', name: 'in dy and y', inputs: () => [leaf([2, 4]), leaf([2, 4])], fn: backwardOf((x) => softmax(x, 1)), secondOrder: true },
  { op: 'logSoftmax', name: 'dim 0', inputs: () => [leaf([size(2, 4), 3])], fn: (x) => logSoftmax(x!, 0), secondOrder: true },
  { op: 'logSoftmax', name: 'last dim, large values', inputs: () => [leaf([3, 5]).detach().mul(30).requiresGrad_()], fn: (x) => logSoftmax(x!, -1), secondOrder: true },
  { op: 'logSoftmaxBackward', name: 'in dy and y', inputs: () => [leaf([3, 2]), leaf([3, 2])], fn: backwardOf((x) => logSoftmax(x, 0)), secondOrder: true },
  { op: 'maskedFill', name: '(3, 1) mask over (2, 3, 4)', inputs: () => [leaf([2, 3, 4]), mask([3, 1])], fn: (x, m) => maskedFill(x!, m!, 7.5), secondOrder: true },
  { op: 'maskedFill', name: '-Infinity then softmax', inputs: () => [leaf([2, 3])], fn: (x) => softmax(maskedFill(x!, tensor([true, false, false]), -Infinity), -1), secondOrder: true },
  { op: 'dropout', name: 'p 0.3, seeded', inputs: () => [leaf([4, 5])], fn: (x) => dropout(x!, 0.3, { generator: new Generator(7) }), secondOrder: true },
];

/** Every case for the ops of this table. */
export const elementwiseCases: GradcheckCase[] = [...coreCases, ...elementwiseOpCases, ...reductionCases, ...nnOpCases];
