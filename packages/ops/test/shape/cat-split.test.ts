import { ArgumentError, Generator, ShapeError, arange, grad, mul, ones, randn, sum, tensor, zeros } from '@tsgrad/core';
import { cat, chunk, split, stack } from '../../src/index.js';

describe('cat', () => {
  test('joins along a dim, negative dims included', () => {
    const a = tensor([[1, 2], [3, 4]]);
    const b = tensor([[5, 6]]);
    expect(cat([a, b]).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(cat([a, b.mT], -1).toArray()).toEqual([[1, 2, 5], [3, 4, 6]]);
    expect(cat([a]).toArray()).toEqual(a.toArray());
    expect(cat([a]).storage).not.toBe(a.storage);
  });
  test('strided inputs, the same tensor twice, size-0 pieces and the legacy 1-D empty tensor', () => {
    const x = arange(6).reshape([2, 3]);
    expect(cat([x.mT, x.mT], 1).toArray()).toEqual([[0, 3, 0, 3], [1, 4, 1, 4], [2, 5, 2, 5]]);
    expect(cat([x, zeros([0, 3]), x]).shape).toEqual([4, 3]);
    expect(cat([zeros([0]), x, zeros([0])]).toArray()).toEqual(x.toArray());
    expect(cat([zeros([2, 0]), zeros([2, 0])], 1).shape).toEqual([2, 0]);
  });
  test('promotes dtypes across inputs', () => {
    const y = cat([tensor([1], { dtype: 'int32' }), tensor([0.5], { dtype: 'float64' }), tensor([true])]);
    expect(y.dtype).toBe('float64');
    expect(y.toArray()).toEqual([1, 0.5, 1]);
    expect(cat([tensor([true]), tensor([2], { dtype: 'int32' })]).dtype).toBe('int32');
  });
  test('backward slices the gradient back into the pieces, float32 and float64', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const a = ones([2, 1, 3], { dtype, requiresGrad: true });
      const b = ones([2, 2, 3], { dtype, requiresGrad: true });
      const w = arange(18, { dtype }).reshape([2, 3, 3]);
      const [ga, gb] = grad(sum(mul(cat([a, b], 1), w)), [a, b]);
      expect(ga!.dtype).toBe(dtype);
      expect(ga!.toArray()).toEqual([[[0, 1, 2]], [[9, 10, 11]]]);
      expect(gb!.toArray()).toEqual([[[3, 4, 5], [6, 7, 8]], [[12, 13, 14], [15, 16, 17]]]);
    }
  });
  test('mixed-dtype backward returns each input its own dtype; the same tensor twice accumulates', () => {
    const a = ones([2], { dtype: 'float32', requiresGrad: true });
    const b = ones([1], { dtype: 'float64', requiresGrad: true });
    const [ga, gb] = grad(sum(mul(cat([a, b, a]), tensor([1, 2, 3, 4, 5], { dtype: 'float64' }))), [a, b]);
    expect(ga!.dtype).toBe('float32');
    expect(ga!.toArray()).toEqual([1 + 4, 2 + 5]);
    expect(gb!.toArray()).toEqual([3]);
  });
  test('errors name the offending tensor and the shapes', () => {
    expect(() => cat([zeros([2, 3]), zeros([2, 3]), zeros([3, 4])], 1)).toThrow(
      new ShapeError('cat: tensors[2] has shape [3,4] but tensors[0] has shape [2,3]; sizes must match except in dim 1'),
    );
    expect(() => cat([zeros([2, 3]), zeros([2, 3, 1])])).toThrow(/cat: tensors\[1\] has shape \[2,3,1\]/);
    expect(() => cat([])).toThrow(ArgumentError);
    expect(() => cat([tensor(1), tensor(2)])).toThrow(/cat: zero-dimensional tensor \(tensors\[0\]\) cannot be concatenated/);
    expect(() => cat([zeros([2])], 1)).toThrow(/cat: dim 1 is out of range/);
  });
});

describe('stack', () => {
  const a = tensor([1, 2]);
  const b = tensor([3, 4]);
  test('adds a new dim at any position', () => {
    expect(stack([a, b]).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(stack([a, b], 1).toArray()).toEqual([[1, 3], [2, 4]]);
    expect(stack([a, b], -1).toArray()).toEqual([[1, 3], [2, 4]]);
    expect(stack([tensor(1), tensor(2)]).toArray()).toEqual([1, 2]);
  });
  test('shape mismatch names the index', () => {
    expect(() => stack([a, b, tensor([1, 2, 3])])).toThrow(
      new ShapeError('stack: tensors[2] has shape [3] but tensors[0] has shape [2]; all shapes must be equal'),
    );
    expect(() => stack([a, b], 2)).toThrow(/stack: dim 2 is out of range/);
  });
});

describe('split and chunk', () => {
  const x = arange(10).reshape([5, 2]);
  test('split by size: views, the last piece smaller', () => {
    const parts = split(x, 2);
    expect(parts.map((p) => p.shape)).toEqual([[2, 2], [2, 2], [1, 2]]);
    parts.forEach((p) => expect(p.storage).toBe(x.storage));
    expect(parts[2]!.toArray()).toEqual([[8, 9]]);
    expect(x.split(1, 1).map((p) => p.toArray())).toEqual([[[0], [2], [4], [6], [8]], [[1], [3], [5], [7], [9]]]);
  });
  test('split by sections, zero-size sections allowed', () => {
    expect(split(x, [1, 0, 4]).map((p) => p.shape[0])).toEqual([1, 0, 4]);
    expect(() => split(x, [2, 2])).toThrow(new ArgumentError('split: sections [2,2] sum to 4 but dim 0 of [5,2] has size 5'));
    expect(() => split(x, 0)).toThrow(ArgumentError);
  });
  test('chunk follows PyTorch: ceil-sized pieces, possibly fewer', () => {
    expect(chunk(x, 3).map((p) => p.shape[0])).toEqual([2, 2, 1]);
    expect(chunk(arange(4), 3).map((p) => p.shape[0])).toEqual([2, 2]);
    expect(chunk(x, 2, -1).map((p) => p.shape)).toEqual([[5, 1], [5, 1]]);
    expect(chunk(zeros([0, 2]), 3).map((p) => p.shape)).toEqual([[0, 2], [0, 2], [0, 2]]);
    expect(() => chunk(x, 0)).toThrow(/chunk: chunks must be a positive integer, got 0/);
  });
  test('cat undoes split and chunk; stack undoes unbinding', () => {
    const y = randn([4, 6, 3], { generator: new Generator(2) });
    expect(cat(split(y, [1, 3, 2], 1), 1).toArray()).toEqual(y.toArray());
    expect(cat(chunk(y, 4, -1), -1).toArray()).toEqual(y.toArray());
    expect(stack(split(y, 1, 0).map((p) => p.squeeze(0)), 0).toArray()).toEqual(y.toArray());
  });
  test('gradients of split pieces land in the right places', () => {
    const z = arange(6, { dtype: 'float64', requiresGrad: true });
    const [p0, p1] = split(z, [2, 4]);
    const [g] = grad(sum(mul(p0!, 2)).add(sum(mul(p1!, 3))), [z]);
    expect(g!.toArray()).toEqual([2, 2, 3, 3, 3, 3]);
  });
});
