// gradcheck and gradgradcheck of scaledDotProductAttention under every mask variant, for
// both implementations (small shapes: each check is a few hundred forward passes).
import { Generator, Tensor, type Tensor as T } from '@tsgrad/core';
import { gradcheck, gradgradcheck } from '../../src/gradcheck/index.js';
import { scaledDotProductAttention as sdpa, type SdpaOptions } from '../../src/attention/index.js';
import { IMPLEMENTATIONS, boolMask, leaf } from './helpers.js';

interface Variant {
  name: string;
  shapes: [number[], number[], number[]];
  /** A float mask shape: the mask becomes a fourth, differentiable input. */
  floatMask?: number[];
  opts: () => SdpaOptions;
}

const variants: Variant[] = [
  { name: 'no mask, L != S, Ev != E', shapes: [[2, 3, 4], [2, 4, 4], [2, 4, 3]], opts: () => ({}) },
  {
    name: 'bool mask (L, S) broadcast over batch',
    shapes: [[2, 3, 2], [2, 4, 2], [2, 4, 3]],
    opts: () => ({ attnMask: boolMask([[true, false, true, true], [false, true, true, false], [true, true, false, true]]) }),
  },
  { name: 'float mask (B, L, S), differentiable', shapes: [[2, 3, 2], [2, 4, 2], [2, 4, 2]], floatMask: [2, 3, 4], opts: () => ({}) },
  { name: 'float mask (L, S) + causal', shapes: [[1, 2, 4, 2], [1, 2, 4, 2], [1, 2, 4, 2]], floatMask: [4, 4], opts: () => ({ isCausal: true }) },
  { name: 'causal, L < S', shapes: [[2, 3, 3], [2, 5, 3], [2, 5, 2]], opts: () => ({ isCausal: true }) },
  {
    name: 'causal + bool mask with a fully blocked row',
    shapes: [[2, 4, 2], [2, 4, 2], [2, 4, 3]],
    opts: () => ({ isCausal: true, attnMask: boolMask([[true, true, true, true], [false, false, true, true], [true, false, true, true], [true, true, true, false]]) }),
  },
  { name: 'GQA, causal', shapes: [[1, 4, 3, 2], [1, 2, 3, 2], [1, 2, 3, 3]], opts: () => ({ enableGqa: true, isCausal: true }) },
  { name: 'broadcast batch dims, custom scale', shapes: [[2, 1, 2, 3], [1, 2, 3, 3], [2, 2, 3, 2]], opts: () => ({ scale: 0.7 }) },
  { name: 'dropout (seeded)', shapes: [[2, 3, 3], [2, 4, 3], [2, 4, 2]], opts: () => ({ dropoutP: 0.3, generator: new Generator(5) }) },
];

function setup(v: Variant, implementation: 'fused' | 'composite') {
  const inputs = v.shapes.map((s, i) => leaf(s, 10 + i));
  if (v.floatMask) inputs.push(leaf(v.floatMask, 20));
  const fn = (q: T, k: T, val: T, mask?: T) => sdpa(q, k, val, { ...v.opts(), ...(mask ? { attnMask: mask } : {}), implementation });
  return { inputs, fn: fn as (...xs: Tensor[]) => Tensor };
}

describe.each(IMPLEMENTATIONS)('sdpa gradcheck (%s)', (implementation) => {
  test.each(variants.map((v) => [v.name, v] as const))('%s', (_, v) => {
    const { inputs, fn } = setup(v, implementation);
    const report = gradcheck(fn, inputs);
    expect(report.passed).toBe(true);
    expect(report.inputs.map((r) => r.index)).toEqual(inputs.map((_, i) => i));
  });
});

const secondOrder = ['no mask, L != S, Ev != E', 'float mask (L, S) + causal', 'causal + bool mask with a fully blocked row', 'GQA, causal', 'dropout (seeded)'];

describe.each(IMPLEMENTATIONS)('sdpa gradgradcheck (%s)', (implementation) => {
  test.each(secondOrder)('%s', (name) => {
    const { inputs, fn } = setup(variants.find((v) => v.name === name)!, implementation);
    expect(gradgradcheck(fn, inputs).passed).toBe(true);
  });
});
