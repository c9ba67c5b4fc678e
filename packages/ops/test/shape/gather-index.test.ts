import { ArgumentError, DTypeError, Generator, ShapeError, arange, grad, mul, randint, randn, sum, tensor, zeros } from '@tsgrad/core';
import { gatherKernel, gatherReference, scatterAddKernel } from '../../src/kernels/index-gather.js';
import { gather, indexSelect, oneHot, scatterAdd } from '../../src/index.js';

const idx = (data: number[] | number[][]) => tensor(data, { dtype: 'int32' });

describe('gather', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });
  test('PyTorch semantics along each dim, negative dim included', () => {
    expect(gather(x, 1, idx([[2, 0], [1, 1]])).toArray()).toEqual([[3, 1], [5, 5]]);
    expect(gather(x, 0, idx([[1, 0, 1]])).toArray()).toEqual([[4, 2, 6]]);
    expect(x.gather(-1, idx([[0], [2]])).toArray()).toEqual([[1], [6]]);
    expect(gather(x.mT, 0, idx([[1, 0], [2, 2]])).toArray()).toEqual([[2, 4], [3, 6]]);
    expect(gather(x, 1, zeros([2, 0], { dtype: 'int32' })).shape).toEqual([2, 0]);
  });
  test('backward scatter-adds: repeated indices accumulate', () => {
    const w = tensor(x, { requiresGrad: true });
    const [g] = grad(sum(mul(gather(w, 1, idx([[0, 0, 2], [1, 1, 1]])), tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' }))), [w]);
    expect(g!.toArray()).toEqual([[3, 0, 3], [0, 15, 0]]);
  });
  test('kernels agree with the reference on random strided shapes along every dim', () => {
    const g = new Generator(5);
    for (const shape of [[3, 4, 5], [1, 7], [2, 3, 1, 4], [6]]) {
      for (let dim = 0; dim < shape.length; dim++) {
        const base = randn([...shape].reverse(), { dtype: 'float64', generator: g });
        const src = base.permute(shape.map((_, i) => shape.length - 1 - i)); // non-contiguous
        const ishape = shape.map((s, d) => (d === dim ? s + 2 : Math.max(1, s - 1)));
        const index = randint(0, shape[dim]!, ishape, { dtype: 'int32', generator: g });
        const ind = index.toTypedArray() as Int32Array;
        const out = new Float64Array(index.size);
        gatherKernel(out, src.storage.data, src.offset, src.strides, ind, 0, ishape, dim);
        expect(Array.from(out)).toEqual(gatherReference(src.storage.data, src.offset, src.strides, ind, ishape, dim));
        // <scatter(s), x> = <s, gather(x)>: the scatter kernel is gather's adjoint.
        const s = randn(ishape, { dtype: 'float64', generator: g }).toTypedArray() as Float64Array;
        const acc = new Float64Array(src.size);
        const xs = src.contiguous();
        scatterAddKernel(acc, xs.strides, s, 0, ind, 0, ishape, dim);
        const lhs = acc.reduce((t, v, i) => t + v * (xs.storage.data[i] as number), 0);
        const rhs = s.reduce((t, v, i) => t + v * out[i]!, 0);
        expect(lhs).toBeCloseTo(rhs, 10);
      }
    }
  });
  test('errors: out of range (naming op, value, size), dtype, rank, size', () => {
    expect(() => gather(x, 1, idx([[3]]).reshape([1, 1]))).toThrow(new ArgumentError('gather: index 3 is out of range for dim 1 of size 3'));
    expect(() => gather(x, 1, idx([[-1]]))).toThrow(/gather: index -1 is out of range for dim 1 of size 3/);
    expect(() => gather(x, 1, tensor([[0]]))).toThrow(new DTypeError('gather: index must be an int32 tensor, got float32'));
    expect(() => gather(x, 1, idx([0]))).toThrow(ShapeError);
    expect(() => gather(x, 1, idx([[0], [0], [0]]))).toThrow(/gather: index \[3,1\] is larger than the input \[2,3\] in dim 0/);
  });
});

describe('scatterAdd', () => {
  test('adds src at the indexed positions, accumulating repeats; gradients flow to x and src', () => {
    const x = zeros([2, 3], { dtype: 'float64', requiresGrad: true });
    const src = tensor([[1, 2, 3]], { dtype: 'float64', requiresGrad: true });
    const y = scatterAdd(x, 1, idx([[0, 0, 2]]), src);
    expect(y.toArray()).toEqual([[3, 0, 3], [0, 0, 0]]);
    const w = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });
    const [gx, gs] = grad(sum(mul(y, w)), [x, src]);
    expect(gx!.toArray()).toEqual(w.toArray());
    expect(gs!.toArray()).toEqual([[1, 1, 3]]);
    expect(() => scatterAdd(x, 1, idx([[0, 0]]), src)).toThrow(/scatterAdd: src \[1,3\] must have the index's shape \[1,2\]/);
  });
});

describe('indexSelect', () => {
  const x = arange(12, { dtype: 'float32' }).reshape([4, 3]);
  test('selects rows or columns in index order, with repeats', () => {
    expect(indexSelect(x, 0, idx([2, 0, 2])).toArray()).toEqual([[6, 7, 8], [0, 1, 2], [6, 7, 8]]);
    expect(x.indexSelect(-1, idx([2, 2])).toArray()).toEqual([[2, 2], [5, 5], [8, 8], [11, 11]]);
    expect(indexSelect(x.mT, 1, idx([3])).toArray()).toEqual([[9], [10], [11]]);
    expect(indexSelect(x, 0, zeros([0], { dtype: 'int32' })).shape).toEqual([0, 3]);
    expect(indexSelect(x, 0, tensor(1, { dtype: 'int32' })).toArray()).toEqual([[3, 4, 5]]);
  });
  test('backward accumulates repeated rows (the embedding gradient), float32 and float64', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const w = zeros([4, 2], { dtype, requiresGrad: true });
      const rows = indexSelect(w, 0, idx([1, 3, 1, 1]));
      const [g] = grad(sum(mul(rows, tensor([[1, 2], [3, 4], [5, 6], [7, 8]], { dtype }))), [w]);
      expect(g!.dtype).toBe(dtype);
      expect(g!.toArray()).toEqual([[0, 0], [13, 16], [0, 0], [3, 4]]);
    }
    const v = tensor(arange(24, { dtype: 'float64' }), { shape: [2, 3, 4], requiresGrad: true });
    const [gv] = grad(sum(indexSelect(v, 1, idx([0, 0, 2]))), [v]);
    expect(gv!.toArray()).toEqual([[[2, 2, 2, 2], [0, 0, 0, 0], [1, 1, 1, 1]], [[2, 2, 2, 2], [0, 0, 0, 0], [1, 1, 1, 1]]]);
  });
  test('errors', () => {
    expect(() => indexSelect(x, 0, idx([4]))).toThrow(new ArgumentError('indexSelect: index 4 is out of range for dim 0 of size 4'));
    expect(() => indexSelect(x, 0, idx([[0]]))).toThrow(/indexSelect: index must be 0-d or 1-D, got shape \[1,1\]/);
    expect(() => indexSelect(x, 2, idx([0]))).toThrow(/indexSelect: dim 2 is out of range/);
  });
});

describe('oneHot', () => {
  test('int32 in, int32 out, class count given or inferred', () => {
    const y = oneHot(idx([0, 2, 1]), 4);
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0]]);
    expect(idx([[1], [0]]).oneHot().toArray()).toEqual([[[0, 1]], [[1, 0]]]);
    expect(oneHot(zeros([0], { dtype: 'int32' }), 3).shape).toEqual([0, 3]);
  });
  test('errors', () => {
    expect(() => oneHot(idx([0, 5]), 3)).toThrow(new ArgumentError('oneHot: index 5 is out of range for numClasses 3'));
    expect(() => oneHot(idx([-1]))).toThrow(/oneHot: index -1 is out of range/);
    expect(() => oneHot(tensor([1]), 2)).toThrow(DTypeError);
  });
});
