// Gradcheck cases for the shape, indexing and linear-algebra ops of @tsgrad/ops and for core's
// view ops. Sizes are drawn from a seeded generator, so every run checks the same shapes.
import {
  Generator,
  contiguous,
  expand,
  grad,
  permute,
  randint,
  randn,
  registeredOps,
  reshape,
  slice,
  squeeze,
  tensor,
  unsqueeze,
  zeros,
  type Op,
} from '@tsgrad/core';
import {
  cat,
  chunk,
  expandAs,
  flatten,
  gather,
  indexSelect,
  linear,
  matmul,
  repeat,
  repeatInterleave,
  scatterAdd,
  split,
  stack,
  tril,
  triu,
} from '@tsgrad/ops';
import type { GradcheckCase } from './types.js';

const g = new Generator(20240601);
/** A size in [lo, hi], drawn when the case's inputs are made. */
const size = (lo: number, hi: number) => g.integer(lo, hi + 1);
// Cases draw sizes in inputs() only: fn runs many times and must be the same function each time.
const linearGeluOp = registeredOps().get('linearGelu') as unknown as Op<'x' | 'weight' | 'bias', { hasBias: boolean; keepDerivative: boolean }>;
const leaf = (shape: number[]) => randn(shape, { dtype: 'float64', generator: g, requiresGrad: true });
const index = (high: number, shape: number[]) => randint(0, high, shape, { dtype: 'int32', generator: g });
const int32 = (data: number[]) => tensor(data, { dtype: 'int32' });

export const shapeCases: GradcheckCase[] = [
  // core views
  { op: 'reshape', name: 'contiguous and transposed', inputs: () => [leaf([2, 6])], fn: (x) => reshape(x.mT, [3, 4]), secondOrder: true },
  { op: 'expand', name: 'size-1 and new leading dims', inputs: () => [leaf([3, 1])], fn: (x) => expand(x, [2, 3, 4]), secondOrder: true },
  { op: 'permute', name: '3-D', inputs: () => [leaf([2, 3, 4])], fn: (x) => permute(x, [2, 0, 1]), secondOrder: true },
  { op: 'unsqueeze', name: 'unsqueeze and squeeze', inputs: () => [leaf([3, 1, 2])], fn: (x) => unsqueeze(squeeze(x, 1), -1), secondOrder: true },
  { op: 'slice', name: 'stepped, negative start', inputs: () => [leaf([3, 7])], fn: (x) => slice(x, 1, -6, 7, 2), secondOrder: true },
  {
    op: 'sliceBackward',
    name: 'as a function of the incoming gradient',
    inputs: () => [leaf([2, 2])],
    fn: (dy) => {
      const x = randn([2, 5], { dtype: 'float64', generator: new Generator(1), requiresGrad: true });
      return grad(slice(x, 1, 1, 5, 2), x, { gradOutputs: dy, createGraph: true })[0]!;
    },
    secondOrder: true,
  },
  { op: 'contiguous', name: 'of a transposed view', inputs: () => [leaf([3, 4])], fn: (x) => contiguous(x.mT), secondOrder: true },

  // joining and splitting (cat is variadic: recorded directly, not through the registry)
  {
    op: 'cat',
    name: 'three pieces along dim 1, one transposed',
    inputs: () => [leaf([2, 1, 3]), leaf([2, size(1, 3), 3]), leaf([3, 2, 2])],
    fn: (a, b, c) => cat([a!, b!, c!.permute([1, 2, 0])], 1),
    secondOrder: true,
  },
  { op: 'cat', name: 'same tensor twice, last dim', inputs: () => [leaf([2, 3])], fn: (a) => cat([a!, a!], -1) },
  { op: 'stack', name: 'new middle dim', inputs: () => [leaf([2, 3]), leaf([2, 3])], fn: (a, b) => stack([a!, b!], 1), secondOrder: true },
  { op: 'split', name: 'sections, recombined', inputs: () => [leaf([5, 2])], fn: (x) => { const [p, q] = split(x, [2, 3]); return cat([q!, p!.mul(p!)]); } },
  { op: 'chunk', name: 'uneven', inputs: () => [leaf([2, 5])], fn: (x) => chunk(x, 2, 1)[1]!, secondOrder: true },
  { op: 'flatten', name: 'middle dims', inputs: () => [leaf([2, 3, 2])], fn: (x) => flatten(x, 1) },
  { op: 'expandAs', name: 'broadcast to another tensor', inputs: () => [leaf([1, 3])], fn: (x) => expandAs(x, tensor([[0, 0, 0], [0, 0, 0]])) },
  { op: 'mT', name: 'batched', inputs: () => [leaf([2, 3, 4])], fn: (x) => x.mT },

  // tiling and triangles
  { op: 'repeat', name: 'extra leading dim', inputs: () => [leaf([2, 3])], fn: (x) => repeat(x, [2, 1, 3]), secondOrder: true },
  { op: 'repeatInterleave', name: 'count along dim 1', inputs: () => [leaf([2, 3])], fn: (x) => repeatInterleave(x, 2, 1) },
  { op: 'repeatInterleave', name: 'per-slice counts', inputs: () => [leaf([3, 2])], fn: (x) => repeatInterleave(x, [2, 0, 1], 0) },
  { op: 'triu', name: 'batched, diagonal 1', inputs: () => [leaf([2, 3, 4])], fn: (x) => triu(x, 1), secondOrder: true },
  { op: 'tril', name: 'diagonal -1 of a transposed view', inputs: () => [leaf([4, 3])], fn: (x) => tril(x.mT, -1), secondOrder: true },

  // indexing
  { op: 'gather', name: 'dim 1, repeated indices', inputs: () => [leaf([3, 4]), index(4, [3, 6])], fn: (x, i) => gather(x!, 1, i!), secondOrder: true },
  { op: 'gather', name: 'dim 0 of a 3-D view', inputs: () => [leaf([4, 2, 3]), index(3, [5, 2, 2])], fn: (x, i) => gather(x!.permute([2, 1, 0]), 0, i!) },
  {
    op: 'scatterAdd',
    name: 'dim 0, repeated indices',
    inputs: () => [leaf([3, 4]), int32([0, 2, 0, 0, 1, 1, 0, 2]).reshape([2, 4]), leaf([2, 4])],
    fn: (x, i, s) => scatterAdd(x!, 0, i!, s!),
    secondOrder: true,
  },
  { op: 'indexSelect', name: 'dim 0 rows (embedding)', inputs: () => [leaf([5, 3]), int32([4, 0, 4, 2])], fn: (x, i) => indexSelect(x!, 0, i!), secondOrder: true },
  { op: 'indexSelect', name: 'dim 1 of 3-D', inputs: () => [leaf([2, 4, 3]), int32([3, 3, 1])], fn: (x, i) => indexSelect(x!, 1, i!) },
  {
    op: 'indexSelectBackward',
    name: 'as a function of the incoming gradient',
    inputs: () => [leaf([4, 2])],
    fn: (dy) => {
      const w = randn([3, 2], { dtype: 'float64', generator: new Generator(2), requiresGrad: true });
      return grad(indexSelect(w, 0, int32([2, 0, 2, 2])), w, { gradOutputs: dy, createGraph: true })[0]!;
    },
    secondOrder: true,
  },

  // linear algebra
  { op: 'matmul', name: '2-D @ 2-D', inputs: () => { const k = size(2, 4); return [leaf([3, k]), leaf([k, 2])]; }, fn: (a, b) => matmul(a!, b!), secondOrder: true },
  { op: 'matmul', name: 'broadcast batch (2,1,3,4) @ (2,4,2)', inputs: () => [leaf([2, 1, 3, 4]), leaf([2, 4, 2])], fn: (a, b) => matmul(a!, b!), secondOrder: true },
  { op: 'matmul', name: 'batched @ shared transposed weight', inputs: () => [leaf([2, 3, 4]), leaf([5, 4])], fn: (a, w) => matmul(a!, w!.mT), secondOrder: true },
  { op: 'matmul', name: '1-D @ 1-D', inputs: () => [leaf([4]), leaf([4])], fn: (a, b) => matmul(a!, b!), secondOrder: true },
  { op: 'matmul', name: '1-D @ 3-D and 3-D @ 1-D', inputs: () => [leaf([3]), leaf([2, 3, 3])], fn: (v, m) => matmul(matmul(v!, m!), v!), secondOrder: true },
  { op: 'linear', name: 'batched input with bias', inputs: () => { const out = size(2, 3); return [leaf([2, 3, 4]), leaf([out, 4]), leaf([out])]; }, fn: (x, w, b) => linear(x!, w!, b!), secondOrder: true },
  { op: 'linear', name: '1-D input, transposed weight view', inputs: () => [leaf([3]), leaf([3, 2]), leaf([2])], fn: (x, w, b) => linear(x!, w!.mT, b!), secondOrder: true },
  // The public linearGelu runs the two ops for float64; the op itself is applied here, so its
  // float64 path (and the backward that the fused float32 one falls back to) is checked.
  { op: 'linearGelu', name: 'batched input with bias', inputs: () => { const out = size(2, 3); return [leaf([2, 3, 4]), leaf([out, 4]), leaf([out])]; }, fn: (x, w, b) => linearGeluOp.apply({ x: x!, weight: w!, bias: b! }, { hasBias: true, keepDerivative: true }), secondOrder: true },
  { op: 'linearGelu', name: 'no bias', inputs: () => [leaf([3, 4]), leaf([2, 4])], fn: (x, w) => linearGeluOp.apply({ x: x!, weight: w!, bias: zeros([0], { dtype: 'float64' }) }, { hasBias: false, keepDerivative: true }), secondOrder: true },
];
