// Gradcheck cases for the fused ops registered by @tsgrad/nn's functional folder: layerNorm,
// rmsNorm, crossEntropy, nllLoss. Shapes are fixed and inputs come from a seeded generator.
import { Generator, randn, tensor } from '@tsgrad/core';
import { crossEntropy, layerNorm, nllLoss, rmsNorm } from '@tsgrad/nn';
import type { GradcheckCase } from './types.js';

const g = new Generator(8675309);
const leaf = (shape: number[]) => randn(shape, { dtype: 'float64', generator: g, requiresGrad: true });
const int32 = (data: number[] | number[][]) => tensor(data, { dtype: 'int32' });

const target2d = int32([2, -100, 0, 3]);
const target3d = int32([[1, 0, 2], [-100, 2, 1]]);

export const nnCases: GradcheckCase[] = [
  { op: 'layerNorm', name: 'affine, last dim', inputs: () => [leaf([3, 5]), leaf([5]), leaf([5])], fn: (x, w, b) => layerNorm(x!, 5, { weight: w!, bias: b! }), secondOrder: true },
  { op: 'layerNorm', name: 'two trailing dims, eps 0.1', inputs: () => [leaf([2, 2, 3]), leaf([2, 3]), leaf([2, 3])], fn: (x, w, b) => layerNorm(x!, [2, 3], { weight: w!, bias: b!, eps: 0.1 }), secondOrder: true },
  { op: 'layerNorm', name: 'no affine, transposed input', inputs: () => [leaf([4, 3])], fn: (x) => layerNorm(x!.mT, 4), secondOrder: true },
  { op: 'rmsNorm', name: 'weight, last dim', inputs: () => [leaf([3, 5]), leaf([5])], fn: (x, w) => rmsNorm(x!, 5, { weight: w! }), secondOrder: true },
  { op: 'rmsNorm', name: 'no weight, 3-D, eps 0.1', inputs: () => [leaf([2, 3, 4])], fn: (x) => rmsNorm(x!, 4, { eps: 0.1 }), secondOrder: true },
  { op: 'crossEntropy', name: '(N, C) mean with an ignored target', inputs: () => [leaf([4, 5])], fn: (x) => crossEntropy(x!, target2d), secondOrder: true },
  { op: 'crossEntropy', name: '(N, C, d) none with label smoothing', inputs: () => [leaf([2, 3, 3])], fn: (x) => crossEntropy(x!, target3d, { reduction: 'none', labelSmoothing: 0.1 }), secondOrder: true },
  { op: 'crossEntropy', name: 'sum, large logits', inputs: () => [leaf([4, 5]).detach().mul(30).requiresGrad_()], fn: (x) => crossEntropy(x!, target2d, { reduction: 'sum' }), secondOrder: true },
  { op: 'nllLoss', name: '(N, C) mean with an ignored target', inputs: () => [leaf([4, 5])], fn: (x) => nllLoss(x!, target2d), secondOrder: true },
  { op: 'nllLoss', name: '(N, C, d) none', inputs: () => [leaf([2, 3, 3])], fn: (x) => nllLoss(x!, target3d, { reduction: 'none' }), secondOrder: true },
];
