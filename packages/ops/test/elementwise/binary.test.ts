import { ArgumentError, DTypeError, ShapeError, tensor, type Tensor } from '@tsgrad/core';
import {
  clamp, eq, ge, gt, le, logicalAnd, logicalNot, logicalOr, logicalXor, lt, maximum, minimum, ne, where,
} from '../../src/index.js';

const values = (t: Tensor) => Array.from(t.toTypedArray());

describe('comparisons', () => {
  const a = tensor([[1, 2, 3], [4, NaN, 6]], { dtype: 'float64' });
  test('tensor vs tensor with broadcasting, bool output, NaN compares false', () => {
    const b = tensor([1, 5, 7], { dtype: 'float64' });
    expect(eq(a, b).dtype).toBe('bool');
    expect(eq(a, b).toArray()).toEqual([[1, 0, 0], [0, 0, 0]]);
    expect(ne(a, b).toArray()).toEqual([[0, 1, 1], [1, 1, 1]]);
    expect(lt(a, b).toArray()).toEqual([[0, 1, 1], [0, 0, 1]]);
    expect(le(a, b).toArray()).toEqual([[1, 1, 1], [0, 0, 1]]);
    expect(gt(a, b).toArray()).toEqual([[0, 0, 0], [1, 0, 0]]);
    expect(ge(a, b).toArray()).toEqual([[1, 0, 0], [1, 0, 0]]);
  });

  test('numbers on either side; an int32 tensor against a fraction compares exactly', () => {
    expect(values(gt(a, 3))).toEqual([0, 0, 0, 1, 0, 1]);
    expect(values(lt(2, tensor([1, 3])))).toEqual([0, 1]);
    expect(values(lt(tensor([0, 1], { dtype: 'int32' }), 0.5))).toEqual([1, 0]);
    expect(values(tensor([1, 2]).eq(2))).toEqual([0, 1]);
  });

  test('outputs never require grad; shapes that do not broadcast are refused', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(gt(x, 0).requiresGrad).toBe(false);
    expect(() => eq(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(ShapeError);
  });
});

describe('logical ops', () => {
  test('truth tables with broadcasting; nonzero (and NaN) counts as true', () => {
    const p = tensor([[true], [false]]);
    const q = tensor([true, false]);
    expect(logicalAnd(p, q).toArray()).toEqual([[1, 0], [0, 0]]);
    expect(logicalOr(p, q).toArray()).toEqual([[1, 1], [1, 0]]);
    expect(logicalXor(p, q).toArray()).toEqual([[0, 1], [1, 0]]);
    expect(values(logicalNot(q))).toEqual([0, 1]);
    expect(values(logicalNot(tensor([0, 2, NaN])))).toEqual([1, 0, 0]);
    expect(q.logicalNot().dtype).toBe('bool');
  });
});

describe('where', () => {
  test('broadcasts condition, a and b; numbers allowed', () => {
    const c = tensor([true, false, true]);
    const a = tensor([[1], [2]], { dtype: 'float64' });
    expect(where(c, a, -1).toArray()).toEqual([[1, -1, 1], [2, -1, 2]]);
    expect(where(c, 1, 0).dtype).toBe('int32');
    expect(where(c, 0.5, 0).dtype).toBe('float32');
    expect(values(tensor([5, 6, 7]).where(c, 0))).toEqual([5, 0, 7]);
  });

  test('gradients go to a where true and to b where false, summed over broadcasting', () => {
    const c = tensor([[true, false], [false, false]]);
    const a = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const b = tensor(3, { dtype: 'float64', requiresGrad: true });
    where(c, a, b).sum().backward();
    expect(values(a.grad!)).toEqual([1, 0]);
    expect(b.grad!.item()).toBe(3);
  });

  test('errors name the op and the shapes', () => {
    expect(() => where(tensor([1, 0]), tensor([1, 2]), 0)).toThrow('where: condition must be a bool tensor, got float32 of shape [2]');
    expect(() => where(tensor([true, false]), tensor([1, 2, 3]), 0)).toThrow(ShapeError);
  });
});

describe('clamp', () => {
  test('values, one-sided bounds, min > max gives max, NaN kept', () => {
    const x = tensor([-2, -0.5, 0, 0.5, 2, NaN], { dtype: 'float64' });
    expect(values(clamp(x, { min: -0.5, max: 0.5 }))).toEqual([-0.5, -0.5, 0, 0.5, 0.5, NaN]);
    expect(values(clamp(x, { min: 0 }))).toEqual([0, 0, 0, 0.5, 2, NaN]);
    expect(values(x.clamp({ max: 0 }))).toEqual([-2, -0.5, 0, 0, 0, NaN]);
    expect(values(clamp(x, { min: 1, max: -1 }))).toEqual([-1, -1, -1, -1, -1, NaN]);
  });

  test('the gradient passes inside and at the bounds, 0 outside (as PyTorch)', () => {
    const x = tensor([-2, -0.5, 0, 0.5, 2], { dtype: 'float64', requiresGrad: true });
    clamp(x, { min: -0.5, max: 0.5 }).sum().backward();
    expect(values(x.grad!)).toEqual([0, 1, 1, 1, 0]);
  });

  test('dtypes and argument errors', () => {
    expect(clamp(tensor([1, 5], { dtype: 'int32' }), { max: 3 }).dtype).toBe('int32');
    expect(values(clamp(tensor([1, 5], { dtype: 'int32' }), { max: 2.5 }))).toEqual([1, 2.5]);
    expect(() => clamp(tensor([1]), {})).toThrow('clamp: at least one of min and max must be given');
    expect(() => clamp(tensor([1]), { min: NaN })).toThrow(ArgumentError);
    expect(() => clamp(tensor([true]), { min: 0 })).toThrow(DTypeError);
  });
});

describe('maximum and minimum', () => {
  test('values with broadcasting and numbers; NaN propagates', () => {
    const a = tensor([[1, 5], [NaN, -1]], { dtype: 'float64' });
    expect(values(maximum(a, tensor([2, 3], { dtype: 'float64' })))).toEqual([2, 5, NaN, 3]);
    expect(values(minimum(a, 0))).toEqual([0, 0, NaN, -1]);
    expect(values(minimum(tensor([NaN, 1]), tensor([1, NaN])))).toEqual([NaN, NaN]);
  });

  test('ties split the gradient half/half; the loser gets 0', () => {
    const a = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const b = tensor([1, 5, 0], { dtype: 'float64', requiresGrad: true });
    maximum(a, b).sum().backward();
    expect(values(a.grad!)).toEqual([0.5, 0, 1]);
    expect(values(b.grad!)).toEqual([0.5, 1, 0]);
    a.grad = null;
    b.grad = null;
    minimum(a, b).sum().backward();
    expect(values(a.grad!)).toEqual([0.5, 1, 0]);
    expect(values(b.grad!)).toEqual([0.5, 0, 1]);
  });
});
