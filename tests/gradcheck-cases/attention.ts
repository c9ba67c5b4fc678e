// Gradcheck cases for the ops @tsgrad/nn registers: the fused scaledDotProductAttention op
// (its kernel backward, and under secondOrder its differentiable backward) and rope.
import { Generator, Tensor, randn } from '@tsgrad/core';
import { rope, scaledDotProductAttention as sdpa } from '@tsgrad/nn';
import type { GradcheckCase } from './types.js';

const g = new Generator(20240604);
const leaf = (shape: number[]) => randn(shape, { dtype: 'float64', generator: g, requiresGrad: true });
const bool = (rows: number[][]) => Tensor.fromData(Uint8Array.from(rows.flat()), [rows.length, rows[0]!.length]);
const fused = 'fused' as const;

export const attentionCases: GradcheckCase[] = [
  {
    op: 'scaledDotProductAttention',
    name: 'fused, no mask, L != S, Ev != E',
    inputs: () => [leaf([2, 3, 4]), leaf([2, 5, 4]), leaf([2, 5, 3])],
    fn: (q, k, v) => sdpa(q!, k!, v!, { implementation: fused }),
    secondOrder: true,
  },
  {
    op: 'scaledDotProductAttention',
    name: 'fused, causal + bool mask with a fully blocked row',
    inputs: () => [leaf([1, 2, 4, 2]), leaf([1, 2, 4, 2]), leaf([1, 2, 4, 3])],
    fn: (q, k, v) => sdpa(q!, k!, v!, { isCausal: true, attnMask: bool([[1, 1, 0, 1], [0, 0, 1, 1], [1, 0, 1, 0], [1, 1, 1, 1]]), implementation: fused }),
    secondOrder: true,
  },
  {
    op: 'scaledDotProductAttention',
    name: 'fused, differentiable float mask broadcast over heads',
    inputs: () => [leaf([2, 2, 3, 2]), leaf([2, 2, 4, 2]), leaf([2, 2, 4, 2]), leaf([2, 1, 3, 4])],
    fn: (q, k, v, m) => sdpa(q!, k!, v!, { attnMask: m!, implementation: fused }),
    secondOrder: true,
  },
  {
    op: 'scaledDotProductAttention',
    name: 'fused, GQA, causal, L > S',
    inputs: () => [leaf([1, 4, 4, 2]), leaf([1, 2, 3, 2]), leaf([1, 2, 3, 2])],
    fn: (q, k, v) => sdpa(q!, k!, v!, { enableGqa: true, isCausal: true, implementation: fused }),
    secondOrder: true,
  },
  {
    op: 'scaledDotProductAttention',
    name: 'fused, seeded dropout, broadcast batch dims',
    inputs: () => [leaf([2, 1, 3, 3]), leaf([1, 2, 4, 3]), leaf([2, 2, 4, 2])],
    fn: (q, k, v) => sdpa(q!, k!, v!, { dropoutP: 0.3, generator: new Generator(9), implementation: fused }),
  },
  {
    op: 'rope',
    name: 'per-row positions, theta 10',
    inputs: () => [leaf([2, 3, 4])],
    fn: (x) => rope(x!, [0, 3, 7], { theta: 10 }),
    secondOrder: true,
  },
  {
    op: 'rope',
    name: 'int32 (B, T) positions',
    inputs: () => [leaf([2, 2, 6])],
    fn: (x) => rope(x!, Tensor.fromData(Int32Array.from([1, 2, 5, 8]), [2, 2]), { theta: 100 }),
  },
];
