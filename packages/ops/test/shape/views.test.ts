import { ArgumentError, ShapeError, arange, grad, sum, tensor, zeros } from '@tsgrad/core';
import { expandAs, flatten } from '../../src/index.js';

describe('flatten', () => {
  const x = arange(24, { dtype: 'float64' }).reshape([2, 3, 4]);
  test('merges the named dims, negative dims count from the end', () => {
    expect(flatten(x).shape).toEqual([24]);
    expect(flatten(x, 1).shape).toEqual([2, 12]);
    expect(flatten(x, 0, 1).shape).toEqual([6, 4]);
    expect(x.flatten(-2, -1).shape).toEqual([2, 12]);
    expect(flatten(x, 1, 1).shape).toEqual([2, 3, 4]);
    expect(flatten(x, 1).storage).toBe(x.storage);
  });
  test('0-d becomes [1]; empty tensors keep their zero size; non-contiguous input copies', () => {
    expect(flatten(tensor(5)).toArray()).toEqual([5]);
    expect(flatten(zeros([2, 0, 3]), 1).shape).toEqual([2, 0]);
    expect(flatten(x.transpose(0, 2)).toArray()).toEqual(x.transpose(0, 2).contiguous().reshape([24]).toArray());
  });
  test('startDim after endDim is refused', () => {
    expect(() => flatten(x, 2, 1)).toThrow(ArgumentError);
    expect(() => flatten(x, 3)).toThrow(/flatten: dim 3 is out of range/);
  });
});

describe('mT and T', () => {
  test('mT swaps the last two dims of a batch without copying', () => {
    const x = arange(12, { dtype: 'float32' }).reshape([2, 2, 3]);
    const t = x.mT;
    expect(t.shape).toEqual([2, 3, 2]);
    expect(t.storage).toBe(x.storage);
    expect(t.toArray()).toEqual([[[0, 3], [1, 4], [2, 5]], [[6, 9], [7, 10], [8, 11]]]);
    expect(() => arange(3).mT).toThrow(new ShapeError('mT: expected a matrix or a batch of matrices (at least 2 dims), got shape [3]'));
  });
  test('T reverses all dims; 1-D is unchanged', () => {
    const x = arange(6).reshape([1, 2, 3]);
    expect(x.T.shape).toEqual([3, 2, 1]);
    expect(x.T.storage).toBe(x.storage);
    const v = arange(3);
    expect(v.T).toBe(v);
  });
  test('gradients flow through mT', () => {
    const x = tensor(arange(6, { dtype: 'float64' }), { shape: [2, 3], requiresGrad: true });
    const [g] = grad(sum(x.mT.mul(tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float64' }))), [x]);
    expect(g!.toArray()).toEqual([[1, 3, 5], [2, 4, 6]]);
  });
});

describe('expandAs', () => {
  test('broadcasts to the other tensor shape as a view', () => {
    const x = tensor([[1], [2]]);
    const y = expandAs(x, zeros([2, 3]));
    expect(y.toArray()).toEqual([[1, 1, 1], [2, 2, 2]]);
    expect(y.storage).toBe(x.storage);
    expect(x.expandAs(zeros([4, 2, 1])).shape).toEqual([4, 2, 1]);
    expect(() => x.expandAs(zeros([3, 3]))).toThrow(ShapeError);
  });
});
