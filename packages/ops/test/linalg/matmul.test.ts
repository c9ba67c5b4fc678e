import { DTypeError, Generator, ShapeError, Tensor, arange, grad, ones, randn, sum, tensor, zeros } from '@tsgrad/core';
import * as gemmModule from '../../src/kernels/gemm.js';
import { gemmReference } from '../../src/kernels/gemm.js';
import { matmul } from '../../src/index.js';
import { checkFixture, opsFixtureCases } from '../shape/fixture-runner.js';

/** Naive matmul over nested arrays of 2-D matrices, the hand-checkable oracle. */
function naive2d(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, p) => s + v * b[p]![j]!, 0)));
}

function expectClose(actual: Tensor, expected: Tensor, tol = 1e-10): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.toTypedArray();
  const e = expected.toTypedArray();
  for (let i = 0; i < e.length; i++) expect(Math.abs(a[i]! - e[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(e[i]!)));
}

/** Batched reference through `gemmReference`, one item at a time from contiguous copies. */
function reference(a: Tensor, b: Tensor, batchShape: number[]): Tensor {
  const A = a.expand([...batchShape, ...a.shape.slice(-2)]).contiguous().toTypedArray() as Float64Array;
  const B = b.expand([...batchShape, ...b.shape.slice(-2)]).contiguous().toTypedArray() as Float64Array;
  const [m, k] = a.shape.slice(-2) as [number, number];
  const n = b.shape[b.ndim - 1]!;
  const batch = batchShape.reduce((x, y) => x * y, 1);
  const c = new Float64Array(batch * m * n);
  const offs = (size: number) => Array.from({ length: batch }, (_, t) => t * size);
  gemmReference({ m, n, k, a: A, aRowStride: k, aColStride: 1, b: B, bRowStride: n, bColStride: 1, c, cRowStride: n,
    batch, aOffsets: offs(m * k), bOffsets: offs(k * n), cOffsets: offs(m * n) });
  return tensor(c, { dtype: 'float64' }).reshape([...batchShape, m, n]);
}

const A = [[1, 2, 3], [4, 5, 6]];
const B = [[7, 8], [9, 10], [11, 12]];

describe('matmul: the rank table, hand-computed', () => {
  test('1-D · 1-D is a dot product (0-d)', () => {
    const y = matmul(tensor([1, 2, 3]), tensor([4, 5, 6]));
    expect(y.shape).toEqual([]);
    expect(y.item()).toBe(32);
  });
  test('2-D · 2-D', () => {
    expect(matmul(tensor(A), tensor(B)).toArray()).toEqual([[58, 64], [139, 154]]);
  });
  test('1-D · 2-D treats the vector as a row, then drops it', () => {
    const y = matmul(tensor([1, 2]), tensor(A));
    expect(y.shape).toEqual([3]);
    expect(y.toArray()).toEqual([9, 12, 15]);
  });
  test('2-D · 1-D treats the vector as a column, then drops it', () => {
    const y = matmul(tensor(A), tensor([1, 0, -1]));
    expect(y.toArray()).toEqual([-2, -2]);
  });
  test('1-D · 3-D and 3-D · 1-D broadcast the vector over the batch', () => {
    const b3 = tensor([B, B.map((r) => r.map((v) => -v))]);
    expect(matmul(tensor([1, 0, 1]), b3).toArray()).toEqual([[18, 20], [-18, -20]]);
    expect(matmul(tensor([A, A]), tensor([1, 1, 1])).toArray()).toEqual([[6, 15], [6, 15]]);
  });
  test('batched 3-D · 2-D and 2-D · 3-D', () => {
    const a3 = tensor([A, A.map((r) => r.map((v) => 2 * v))]);
    expect(matmul(a3, tensor(B)).toArray()).toEqual([naive2d(A, B), naive2d(A, B).map((r) => r.map((v) => 2 * v))]);
    const b3 = tensor([B, B]);
    expect(matmul(tensor(A), b3).toArray()).toEqual([naive2d(A, B), naive2d(A, B)]);
  });
  test('batch dims broadcast: (2,1,3,4) @ (5,4,6) -> (2,5,3,6)', () => {
    const g = new Generator(3);
    const a = randn([2, 1, 3, 4], { dtype: 'float64', generator: g });
    const b = randn([5, 4, 6], { dtype: 'float64', generator: g });
    const y = matmul(a, b);
    expect(y.shape).toEqual([2, 5, 3, 6]);
    expectClose(y, reference(a, b, [2, 5]));
  });
});

describe('matmul: layouts', () => {
  const g = new Generator(7);
  test('transposed and sliced operands give the same values as contiguous copies, float32 and float64', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const w = randn([6, 5], { dtype, generator: g });
      const x = randn([3, 4, 5], { dtype, generator: g });
      const strided = randn([3, 5, 12], { dtype, generator: g }).slice(2, 0, 12, 2); // (3,5,6), col stride 2: copied
      const tol = dtype === 'float32' ? 1e-5 : 1e-12;
      expectClose(matmul(x, w.mT), matmul(x.contiguous(), w.mT.contiguous()), tol);
      expectClose(matmul(x.mT, x), matmul(x.mT.contiguous(), x), tol);
      expectClose(matmul(x, strided), matmul(x, strided.contiguous()), tol);
      expect(matmul(x, w.mT).dtype).toBe(dtype);
    }
  });
  test('a batch of mT views is read in place: the view shares storage, the result matches', () => {
    const x = randn([2, 3, 4], { dtype: 'float64', generator: g });
    expect(x.mT.storage).toBe(x.storage);
    expect(x.mT.shape).toEqual([2, 4, 3]);
    expectClose(matmul(x.mT, x), reference(x.mT.contiguous(), x, [2]));
  });
  test('GEMM reads transposed views from their own storage with swapped strides; a shared weight folds the batch', () => {
    const spy = jest.spyOn(gemmModule, 'gemm');
    try {
      const x = randn([4, 3, 5], { dtype: 'float64', generator: g });
      const w = randn([6, 5], { dtype: 'float64', generator: g });
      matmul(x, w.mT);
      expect(spy).toHaveBeenCalledTimes(1);
      const args = spy.mock.calls[0]![0];
      expect(args.a).toBe(x.storage.data);
      expect(args.b).toBe(w.storage.data);
      expect([args.m, args.n, args.k, args.batch ?? 1]).toEqual([12, 6, 5, 1]);
      expect([args.bRowStride, args.bColStride]).toEqual([1, 5]);
      spy.mockClear();
      matmul(x.mT, x);
      const batched = spy.mock.calls[0]![0];
      expect(batched.a).toBe(x.storage.data);
      expect([batched.aRowStride, batched.aColStride, batched.batch]).toEqual([1, 5, 4]);
      expect(Array.from(batched.aOffsets!)).toEqual([0, 15, 30, 45]);
    } finally {
      spy.mockRestore();
    }
  });
  test('expanded (stride-0) batch dims and non-foldable batches', () => {
    const a = randn([1, 3, 4], { dtype: 'float64', generator: g }).expand([5, 3, 4]);
    const b = randn([5, 4, 2], { dtype: 'float64', generator: g });
    expectClose(matmul(a, b), reference(a.contiguous(), b, [5]));
    const p = randn([3, 2, 4], { dtype: 'float64', generator: g }).permute([1, 0, 2]); // batch not foldable
    const w = randn([4, 3], { dtype: 'float64', generator: g });
    expectClose(matmul(p, w), reference(p.contiguous(), w, [2]));
  });
  test('mixed dtypes promote; size-0 dims give empty or zero results', () => {
    const y = matmul(ones([2, 3], { dtype: 'float32' }), ones([3, 2], { dtype: 'float64' }));
    expect(y.dtype).toBe('float64');
    expect(y.toArray()).toEqual([[3, 3], [3, 3]]);
    expect(matmul(zeros([2, 0]), zeros([0, 3])).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(matmul(zeros([0, 4]), zeros([4, 3])).shape).toEqual([0, 3]);
    expect(matmul(zeros([2, 0, 3, 4]), zeros([4, 5])).shape).toEqual([2, 0, 3, 5]);
  });
});

describe('matmul: gradients', () => {
  test('shared weight: dB sums over the batch; a broadcast batch dim sums back', () => {
    const a = tensor(arange(6, { dtype: 'float64' }), { shape: [2, 1, 3], requiresGrad: true });
    const b = tensor([[1], [2], [3]], { dtype: 'float64', requiresGrad: true });
    const [da, db] = grad(sum(matmul(a, b)), [a, b]);
    expect(da!.toArray()).toEqual([[[1, 2, 3]], [[1, 2, 3]]]);
    expect(db!.toArray()).toEqual([[0 + 3], [1 + 4], [2 + 5]]);
    const a4 = ones([3, 2], { dtype: 'float64', requiresGrad: true });
    const b4 = ones([5, 2, 4], { dtype: 'float64', requiresGrad: true });
    const [ga] = grad(sum(matmul(a4, b4)), [a4]);
    expect(ga!.toArray()).toEqual([[20, 20], [20, 20], [20, 20]]);
  });
  test('1-D operands get gradients of their own shape', () => {
    const u = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const v = tensor([4, 5, 6], { dtype: 'float64', requiresGrad: true });
    const [du, dv] = grad(matmul(u, v), [u, v]);
    expect(du!.toArray()).toEqual([4, 5, 6]);
    expect(dv!.toArray()).toEqual([1, 2, 3]);
  });
  test('PyTorch fixtures: every rank combination, values and gradients', () => {
    const cases = opsFixtureCases('matmul');
    expect(cases.length).toBeGreaterThanOrEqual(11);
    for (const c of cases) checkFixture(c, ({ a, b }) => matmul(a!, b!));
  });
});

describe('matmul: errors', () => {
  test('inner dimensions, 0-d operands, batch dims, dtypes', () => {
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow(new ShapeError('matmul: inner dimensions differ: [2,3] @ [4,5]'));
    expect(() => matmul(zeros([3]), zeros([4]))).toThrow('matmul: inner dimensions differ: [3] @ [4]');
    expect(() => matmul(zeros([]), zeros([3]))).toThrow(/matmul: both arguments need at least 1 dimension, got shapes \[\] and \[3\]/);
    expect(() => matmul(zeros([2, 3, 4]), zeros([3, 4, 5]))).toThrow(
      new ShapeError('matmul: batch dimensions [2] and [3] do not broadcast: [2,3,4] @ [3,4,5]'),
    );
    expect(() => matmul(zeros([2, 2], { dtype: 'int32' }), zeros([2, 2]))).toThrow(DTypeError);
    expect(() => matmul(zeros([2, 2]), zeros([2, 2], { dtype: 'bool' }))).toThrow(/matmul: b must be float32 or float64, got bool/);
  });
});
