import { ArgumentError, DTypeError, Generator, ShapeError, ones, randn, tensor, type Tensor } from '@tsgrad/core';
import { dropout, maskedFill } from '../../src/index.js';

const values = (t: Tensor) => Array.from(t.toTypedArray());

describe('maskedFill', () => {
  test('fills where the mask is true; the mask broadcasts over leading dims', () => {
    const x = tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], { dtype: 'float64' });
    const causal = tensor([[false, true], [false, false]]);
    expect(maskedFill(x, causal, -Infinity).toArray()).toEqual([[[1, -Infinity], [3, 4]], [[5, -Infinity], [7, 8]]]);
    expect(values(x.maskedFill(tensor([true, false]), 0))).toEqual([0, 2, 0, 4, 0, 6, 0, 8]);
  });

  test('strided input, int32 input, value cast to the dtype', () => {
    const x = tensor([[1, 2], [3, 4]], { dtype: 'float64' }).transpose(0, 1);
    expect(maskedFill(x, tensor([[true, false], [false, false]]), 9).toArray()).toEqual([[9, 3], [2, 4]]);
    const i = maskedFill(tensor([1, 2], { dtype: 'int32' }), tensor([false, true]), 7.9);
    expect(i.dtype).toBe('int32');
    expect(values(i)).toEqual([1, 7]);
  });

  test('the gradient is zero where filled, the mask gets none', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64', requiresGrad: true });
    maskedFill(x, tensor([[true], [false]]), 0).sum().backward();
    expect(values(x.grad!)).toEqual([0, 0, 0, 1, 1, 1]);
  });

  test('errors: non-bool mask, a mask that would grow x', () => {
    expect(() => maskedFill(tensor([1, 2]), tensor([1, 0]), 0)).toThrow('maskedFill: mask must be a bool tensor, got float32 of shape [2]');
    expect(() => maskedFill(tensor([1, 2]), tensor([[true, false], [false, true]]), 0)).toThrow(
      "maskedFill: mask of shape [2,2] does not broadcast to the input's shape [2]",
    );
    expect(() => maskedFill(tensor([1, 2]), tensor([true, false]), 'x' as unknown as number)).toThrow(ArgumentError);
    expect(() => maskedFill(tensor([1, 2, 3]), tensor([true, false]), 0)).toThrow(ShapeError);
  });
});

describe('dropout', () => {
  const x = ones([200, 500], { dtype: 'float64' });

  test('keeps about 1 − p of the elements, scaled by 1/(1 − p)', () => {
    const y = values(dropout(x, 0.25, { generator: new Generator(1) }));
    const kept = y.filter((v) => v !== 0);
    expect(new Set(kept)).toEqual(new Set([1 / 0.75]));
    // 100000 Bernoulli(0.75) draws: the standard deviation of the kept fraction is ~0.0014.
    expect(Math.abs(kept.length / y.length - 0.75)).toBeLessThan(0.006);
  });

  test('deterministic for a seed, different across seeds', () => {
    const a = values(dropout(x, 0.5, { generator: new Generator(7) }));
    expect(values(dropout(x, 0.5, { generator: new Generator(7) }))).toEqual(a);
    expect(values(dropout(x, 0.5, { generator: new Generator(8) }))).not.toEqual(a);
  });

  test('p = 0 and evaluation return x itself; p = 1 gives zeros and zero gradients', () => {
    const w = randn([3, 4], { dtype: 'float64', requiresGrad: true });
    expect(dropout(w, 0)).toBe(w);
    expect(dropout(w, 0.5, { training: false })).toBe(w);
    const z = dropout(w, 1);
    expect(values(z).every((v) => v === 0)).toBe(true);
    z.sum().backward();
    expect(values(w.grad!).every((v) => v === 0)).toBe(true);
  });

  test('the backward multiplies by the same mask', () => {
    const w = randn([50], { dtype: 'float64', requiresGrad: true });
    const y = w.dropout(0.4, { generator: new Generator(3) });
    y.sum().backward();
    const out = values(y);
    const xs = values(w);
    values(w.grad!).forEach((g, i) => expect(g * xs[i]!).toBeCloseTo(out[i]!, 14));
    expect(values(w.grad!).filter((g) => g !== 0).every((g) => Math.abs(g - 1 / 0.6) < 1e-15)).toBe(true);
  });

  test('errors: p outside [0, 1], non-float input', () => {
    expect(() => dropout(x, 1.5)).toThrow('dropout: p must be in [0, 1], got 1.5');
    expect(() => dropout(x, -0.1)).toThrow(ArgumentError);
    expect(() => dropout(x, NaN)).toThrow(ArgumentError);
    expect(() => dropout(tensor([1, 2], { dtype: 'int32' }), 0.5)).toThrow(DTypeError);
  });
});
