import { Generator, grad, ones } from '@tsgrad/core';
import { scaledDotProductAttention as sdpa } from '../../src/attention/index.js';
import { leaf, maxAbsDiff } from './helpers.js';

describe('scaledDotProductAttention dropout', () => {
  const q = leaf([2, 2, 16, 8], 1);
  const k = leaf([2, 2, 24, 8], 2);
  const v = leaf([2, 2, 24, 4], 3);

  test('drops about p of the weights and rescales the rest by 1/(1-p)', () => {
    const p = 0.25;
    const dropped = sdpa(q, k, v, { dropoutP: p, generator: new Generator(1), returnWeights: true, implementation: 'composite' });
    const plain = sdpa(q, k, v, { returnWeights: true, implementation: 'composite' });
    const w = dropped.weights.toTypedArray();
    const probs = plain.weights.toTypedArray();
    let zeros = 0;
    for (let i = 0; i < w.length; i++) {
      if (w[i] === 0) zeros++;
      else expect(Math.abs(w[i]! - probs[i]! / (1 - p))).toBeLessThan(1e-15);
    }
    expect(Math.abs(zeros / w.length - p)).toBeLessThan(0.03);
  });

  test('is deterministic for a seed, differs across seeds, and draws from the generator', () => {
    const a = sdpa(q, k, v, { dropoutP: 0.5, generator: new Generator(7) });
    const b = sdpa(q, k, v, { dropoutP: 0.5, generator: new Generator(7) });
    const c = sdpa(q, k, v, { dropoutP: 0.5, generator: new Generator(8) });
    expect(maxAbsDiff(a, b)).toBe(0);
    expect(maxAbsDiff(a, c)).toBeGreaterThan(0.01);
    const g = new Generator(7);
    const first = sdpa(q, k, v, { dropoutP: 0.5, generator: g });
    const second = sdpa(q, k, v, { dropoutP: 0.5, generator: g });
    expect(maxAbsDiff(first, second)).toBeGreaterThan(0.01);
  });

  test('fused and composite drop the same weights: equal outputs and gradients', () => {
    const run = (implementation: 'fused' | 'composite') => {
      const out = sdpa(q, k, v, { dropoutP: 0.4, isCausal: true, generator: new Generator(3), implementation });
      return [out, ...grad(out, [q, k, v], { gradOutputs: ones(out.shape, { dtype: 'float64' }) })];
    };
    const fused = run('fused');
    const composite = run('composite');
    fused.forEach((t, i) => expect(maxAbsDiff(t, composite[i]!)).toBeLessThan(1e-12));
  });

  test('dropoutP = 0 leaves the generator untouched', () => {
    const g = new Generator(11);
    sdpa(q, k, v, { dropoutP: 0, generator: g });
    expect(g.random()).toBe(new Generator(11).random());
  });
});
