import { ArgumentError, ShapeError, arange, grad, mul, ones, sum, tensor, zeros } from '@tsgrad/core';
import { repeat, repeatInterleave, tril, triu } from '../../src/index.js';

describe('repeat', () => {
  test('tiles each dim, extra repeats add leading dims', () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(repeat(x, [1, 2]).toArray()).toEqual([[1, 2, 1, 2], [3, 4, 3, 4]]);
    expect(repeat(x, [2, 1]).toArray()).toEqual([[1, 2], [3, 4], [1, 2], [3, 4]]);
    expect(x.repeat([2, 1, 1]).shape).toEqual([2, 2, 2]);
    expect(repeat(tensor(7), [3]).toArray()).toEqual([7, 7, 7]);
    expect(repeat(x, [0, 2]).shape).toEqual([0, 4]);
    expect(repeat(x.mT, [1, 2]).toArray()).toEqual([[1, 3, 1, 3], [2, 4, 2, 4]]);
    expect(repeat(x, [1, 1]).storage).not.toBe(x.storage); // always a copy, as in PyTorch
  });
  test('backward sums the tiles', () => {
    const x = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const w = arange(12, { dtype: 'float64' }).reshape([2, 6]);
    const [g] = grad(sum(mul(repeat(x, [2, 2]), w)), [x]);
    // x[j] appears at columns j and j+3 of both rows.
    expect(g!.toArray()).toEqual([0 + 3 + 6 + 9, 1 + 4 + 7 + 10, 2 + 5 + 8 + 11]);
  });
  test('too few or negative repeats are refused', () => {
    expect(() => repeat(zeros([2, 3]), [2])).toThrow(/repeat: repeats \[2\] must have at least as many entries as the input \[2,3\] has dims/);
    expect(() => repeat(zeros([2]), [-1])).toThrow(ArgumentError);
  });
});

describe('repeatInterleave', () => {
  test('one count for all, along a dim or flattened', () => {
    expect(repeatInterleave(tensor([1, 2]), 2).toArray()).toEqual([1, 1, 2, 2]);
    expect(repeatInterleave(tensor([[1, 2], [3, 4]]), 2).toArray()).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    expect(repeatInterleave(tensor([[1, 2], [3, 4]]), 2, -1).toArray()).toEqual([[1, 1, 2, 2], [3, 3, 4, 4]]);
    expect(tensor([[1, 2], [3, 4]]).repeatInterleave(2, 0).toArray()).toEqual([[1, 2], [1, 2], [3, 4], [3, 4]]);
    expect(repeatInterleave(tensor([1, 2]), 0).shape).toEqual([0]);
  });
  test('per-slice counts', () => {
    expect(repeatInterleave(tensor([[1, 2, 3]]), [1, 0, 2], 1).toArray()).toEqual([[1, 3, 3]]);
    expect(() => repeatInterleave(tensor([1, 2, 3]), [1, 2])).toThrow(
      new ArgumentError('repeatInterleave: repeats has 2 entries but dim 0 of [3] has size 3'),
    );
  });
  test('backward sums each group', () => {
    const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const w = tensor([1, 2, 3, 4, 5, 6], { dtype: 'float64' });
    expect(grad(sum(mul(repeatInterleave(x, 3), w)), [x])[0]!.toArray()).toEqual([6, 15]);
    expect(grad(sum(mul(repeatInterleave(x, [2, 1]), w.slice(0, 0, 3))), [x])[0]!.toArray()).toEqual([3, 3]);
  });
});

describe('triu and tril', () => {
  const x = arange(1, 13, 1, { dtype: 'float64' }).reshape([3, 4]);
  test('positive, zero and negative diagonals', () => {
    expect(triu(x).toArray()).toEqual([[1, 2, 3, 4], [0, 6, 7, 8], [0, 0, 11, 12]]);
    expect(triu(x, 1).toArray()).toEqual([[0, 2, 3, 4], [0, 0, 7, 8], [0, 0, 0, 12]]);
    expect(triu(x, -1).toArray()).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [0, 10, 11, 12]]);
    expect(tril(x).toArray()).toEqual([[1, 0, 0, 0], [5, 6, 0, 0], [9, 10, 11, 0]]);
    expect(tril(x, 2).toArray()).toEqual([[1, 2, 3, 0], [5, 6, 7, 8], [9, 10, 11, 12]]);
    expect(tril(x, -2).toArray()).toEqual([[0, 0, 0, 0], [0, 0, 0, 0], [9, 0, 0, 0]]);
    expect(triu(x, 10).toArray()).toEqual(zeros([3, 4]).toArray());
    expect(tril(x, -10).toArray()).toEqual(zeros([3, 4]).toArray());
  });
  test('batched, strided input, int32 and bool', () => {
    const b = arange(8).reshape([2, 2, 2]);
    expect(b.tril().toArray()).toEqual([[[0, 0], [2, 3]], [[4, 0], [6, 7]]]);
    expect(triu(b.mT).toArray()).toEqual([[[0, 2], [0, 3]], [[4, 6], [0, 7]]]);
    expect(tril(ones([3, 3], { dtype: 'bool' })).toArray()).toEqual([[1, 0, 0], [1, 1, 0], [1, 1, 1]]);
    expect(triu(ones([2, 2], { dtype: 'int32' })).dtype).toBe('int32');
    expect(triu(zeros([0, 3])).shape).toEqual([0, 3]);
  });
  test('backward keeps the same triangle of the gradient', () => {
    const y = ones([2, 3], { dtype: 'float64', requiresGrad: true });
    expect(grad(sum(triu(y, 1)), [y])[0]!.toArray()).toEqual([[0, 1, 1], [0, 0, 1]]);
    expect(grad(sum(tril(y)), [y])[0]!.toArray()).toEqual([[1, 0, 0], [1, 1, 0]]);
  });
  test('errors', () => {
    expect(() => triu(arange(3))).toThrow(new ShapeError('triu: input must have at least 2 dims, got shape [3]'));
    expect(() => tril(x, 0.5)).toThrow(/tril: diagonal must be an integer, got 0.5/);
  });
});
