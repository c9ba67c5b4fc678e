import { ArgumentError, tensor, zeros, type Tensor } from '@tsgrad/core';
import { amax, amin, argmax, argmin, logsumexp, max, mean, min, prod, std, variance } from '../../src/index.js';
import * as ops from '../../src/index.js';

const values = (t: Tensor) => Array.from(t.toTypedArray());
const x = tensor([[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]], [[0, 1, 0, 1], [2, 2, 2, 2], [3, 1, 4, 1]]], { dtype: 'float64' });

describe('mean', () => {
  test('one dim, negative dim, several dims, keepDim, all', () => {
    expect(mean(x, 2).toArray()).toEqual([[2.5, 6.5, 10.5], [0.5, 2, 2.25]]);
    expect(mean(x, -1).toArray()).toEqual(mean(x, 2).toArray());
    expect(mean(x, [0, 2], true).shape).toEqual([1, 3, 1]);
    expect(values(mean(x, [0, 2], true))).toEqual([1.5, 4.25, 6.375]);
    expect(mean(x).item()).toBeCloseTo(97 / 24, 14);
    expect(x.mean(null).shape).toEqual([]);
  });

  test('dtypes: int32 and bool give float32; empty gives NaN', () => {
    expect(mean(tensor([1, 2], { dtype: 'int32' })).dtype).toBe('float32');
    expect(mean(tensor([true, false, true, true])).item()).toBe(0.75);
    expect(mean(zeros([0])).item()).toBeNaN();
  });

  test('the gradient is 1/N per element', () => {
    const w = tensor([[1, 2], [3, 4]], { dtype: 'float64', requiresGrad: true });
    mean(w, 1).sum().backward();
    expect(values(w.grad!)).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  test('bad dims are refused', () => {
    expect(() => mean(x, 3)).toThrow('mean: dim 3 is out of range for a tensor with 3 dimensions (expected -3..2)');
    expect(() => mean(x, [1, -2])).toThrow(ArgumentError);
  });
});

describe('variance and std', () => {
  const v = tensor([[1, 2, 3, 4], [2, 2, 2, 2]], { dtype: 'float64' });
  test('correction 1 by default, 0 on request, keepDim via boolean or options', () => {
    expect(values(variance(v, 1))).toEqual([5 / 3, 0]);
    expect(values(variance(v, 1, { correction: 0 }))).toEqual([1.25, 0]);
    expect(variance(v, 1, true).shape).toEqual([2, 1]);
    expect(values(std(v, -1, { correction: 0, keepDim: true }))).toEqual([Math.sqrt(1.25), 0]);
    expect(v.var().item()).toBeCloseTo(values(v).reduce((s, a) => s + (a - 2.25) ** 2, 0) / 7, 14);
    expect(ops.var).toBe(variance);
  });

  test('correction ≥ N gives NaN (zero spread) or Infinity, as PyTorch', () => {
    expect(variance(tensor([3], { dtype: 'float64' })).item()).toBeNaN();
    expect(values(variance(tensor([1, 2], { dtype: 'float64' }), 0, { correction: 2 }))).toEqual([Infinity]);
    expect(() => variance(v, 1, { correction: -1 })).toThrow('var: correction must be a finite number >= 0, got -1');
  });

  test('std of a constant row has a zero gradient (not NaN)', () => {
    const w = tensor([[2, 2, 2], [1, 2, 3]], { dtype: 'float64', requiresGrad: true });
    std(w, 1).sum().backward();
    expect(values(w.grad!)).toEqual([0, 0, 0, -0.5, 0, 0.5]);
  });

  test('numerically stable for a large offset', () => {
    expect(variance(tensor([1e9 + 1, 1e9 + 2, 1e9 + 3], { dtype: 'float64' })).item()).toBe(1);
  });
});

describe('max, min, amax, amin, argmax, argmin', () => {
  const m = tensor([[3, 7, 7], [NaN, 1, 2], [-1, -5, -5]], { dtype: 'float64' });
  test('max along a dim: values and first-occurrence int32 indices; NaN wins', () => {
    const { values: vals, indices } = max(m, 1);
    expect(values(vals)).toEqual([7, NaN, -1]);
    expect(indices.dtype).toBe('int32');
    expect(values(indices)).toEqual([1, 0, 0]);
    const r = min(m, -1, true);
    expect(r.values.shape).toEqual([3, 1]);
    expect(values(r.values)).toEqual([3, NaN, -5]);
    expect(values(r.indices)).toEqual([0, 0, 1]);
    expect(m.max(0).indices.shape).toEqual([3]);
  });

  test('global max and the elementwise form', () => {
    expect(max(tensor([[1, 9], [4, 2]])).item()).toBe(9);
    expect(min(tensor([[1, 9], [4, 2]])).shape).toEqual([]);
    expect(values(max(tensor([1, 5]), tensor([3, 2])))).toEqual([3, 5]);
    expect(max(m).item()).toBeNaN();
  });

  test('argmax: flat index without dim, keepDim, any dtype', () => {
    expect(argmax(tensor([[1, 9], [9, 2]])).item()).toBe(1);
    expect(argmax(tensor([[1, 9], [9, 2]])).shape).toEqual([]);
    expect(values(argmin(tensor([[4, 1, 1], [0, 3, 0]], { dtype: 'int32' }), 1))).toEqual([1, 0]);
    expect(argmax(m, 0, true).shape).toEqual([1, 3]);
    expect(values(argmax(m, 0))).toEqual([1, 0, 0]);
    expect(values(argmax(tensor([false, true, true]), 0))).toEqual([1]);
  });

  test('amax/amin over several dims keep the dtype', () => {
    expect(values(amax(x, [0, 2]))).toEqual([4, 8, 12]);
    expect(values(amin(x, [0, 2], true))).toEqual([0, 2, 1]);
    expect(amax(tensor([1, 3], { dtype: 'int32' })).dtype).toBe('int32');
  });

  test('gradients: to the selected index for max(dim); split evenly among ties for amax and max()', () => {
    const w = tensor([[1, 4, 4, 4], [2, 0, 2, 1]], { dtype: 'float64', requiresGrad: true });
    max(w, 1).values.sum().backward();
    expect(values(w.grad!)).toEqual([0, 1, 0, 0, 1, 0, 0, 0]);
    w.grad = null;
    amax(w, 1).sum().backward();
    expect(values(w.grad!)).toEqual([0, 1 / 3, 1 / 3, 1 / 3, 0.5, 0, 0.5, 0]);
    w.grad = null;
    max(w).backward();
    expect(values(w.grad!)).toEqual([0, 1 / 3, 1 / 3, 1 / 3, 0, 0, 0, 0]);
  });

  test('empty reductions are refused; empty outputs are fine', () => {
    expect(() => max(zeros([0]))).toThrow('max: cannot reduce over an empty dimension (input shape [0])');
    expect(() => argmax(zeros([2, 0]), 1)).toThrow(ArgumentError);
    expect(amax(zeros([0, 3]), 1).shape).toEqual([0]);
  });

  test('0-d input', () => {
    const s = tensor(5);
    expect(max(s, 0).values.item()).toBe(5);
    expect(max(s, 0).indices.item()).toBe(0);
  });
});

describe('logsumexp', () => {
  test('stable for large values, -Infinity rows give -Infinity, +Infinity wins', () => {
    const t = tensor([[1000, 1000], [-Infinity, -Infinity], [0, -Infinity], [Infinity, 1]], { dtype: 'float64' });
    expect(values(logsumexp(t, 1))).toEqual([1000 + Math.log(2), -Infinity, 0, Infinity]);
    expect(logsumexp(zeros([2, 0]), 1).toArray()).toEqual([-Infinity, -Infinity]);
    expect(logsumexp(x, [0, 2], true).shape).toEqual([1, 3, 1]);
  });

  test('the gradient is the softmax', () => {
    const w = tensor([[0, Math.log(3)]], { dtype: 'float64', requiresGrad: true });
    logsumexp(w, 1).sum().backward();
    expect(values(w.grad!).map((v) => +v.toFixed(15))).toEqual([0.25, 0.75]);
  });
});

describe('prod', () => {
  test('values, dtypes, empty product', () => {
    expect(values(prod(x, 2))).toEqual([24, 1680, 11880, 0, 16, 12]);
    expect(prod(tensor([2, 3], { dtype: 'int32' })).dtype).toBe('int32');
    expect(prod(tensor([true, true])).item()).toBe(1);
    expect(prod(zeros([0])).item()).toBe(1);
  });

  test('gradients with zero, one and two zeros per row (no division by zero)', () => {
    const w = tensor([[2, 3, 4], [2, 0, 4], [0, 3, 0]], { dtype: 'float64', requiresGrad: true });
    prod(w, 1).sum().backward();
    expect(values(w.grad!)).toEqual([12, 8, 6, 0, 8, 0, 0, 0, 0]);
  });
});
