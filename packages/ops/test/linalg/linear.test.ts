import { Generator, ShapeError, Tensor, grad, mul, randn, sum, tensor, zeros } from '@tsgrad/core';
import { linear, matmul } from '../../src/index.js';

function expectClose(actual: Tensor, expected: Tensor, tol: number): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.toTypedArray();
  const e = expected.toTypedArray();
  for (let i = 0; i < e.length; i++) expect(Math.abs(a[i]! - e[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(e[i]!)));
}

describe('linear', () => {
  const g = new Generator(11);
  test('hand-computed: x·Wᵀ + b', () => {
    const x = tensor([[1, 2], [3, 4]]);
    const w = tensor([[1, 0], [0, 1], [1, 1]]);
    const b = tensor([10, 20, 30]);
    expect(linear(x, w, b).toArray()).toEqual([[11, 22, 33], [13, 24, 37]]);
    expect(linear(x, w).toArray()).toEqual([[1, 2, 3], [3, 4, 7]]);
    expect(linear(tensor([1, 2]), w, b).toArray()).toEqual([11, 22, 33]);
  });

  test('matches matmul + bias over batched, non-contiguous inputs in float32 and float64', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const tol = dtype === 'float32' ? 1e-5 : 1e-12;
      const w = randn([7, 5], { dtype, generator: g });
      const b = randn([7], { dtype, generator: g });
      for (const x of [randn([2, 3, 5], { dtype, generator: g }), randn([3, 2, 5], { dtype, generator: g }).permute([1, 0, 2])]) {
        const y = linear(x, w, b);
        expect(y.dtype).toBe(dtype);
        expectClose(y, matmul(x, w.mT).add(b), tol);
      }
    }
  });

  test('gradients equal those of the unfused composition', () => {
    const x = randn([2, 3, 4], { dtype: 'float64', generator: g, requiresGrad: true });
    const w = randn([5, 4], { dtype: 'float64', generator: g, requiresGrad: true });
    const b = randn([5], { dtype: 'float64', generator: g, requiresGrad: true });
    const cot = randn([2, 3, 5], { dtype: 'float64', generator: g });
    const fused = grad(sum(mul(linear(x, w, b), cot)), [x, w, b]);
    const plain = grad(sum(mul(matmul(x, w.mT).add(b), cot)), [x, w, b]);
    fused.forEach((f, i) => expectClose(f!, plain[i]!, 1e-12));
  });

  test('mixed dtypes promote to float64', () => {
    const y = linear(zeros([2, 3], { dtype: 'float32' }), zeros([4, 3], { dtype: 'float64' }), zeros([4], { dtype: 'float32' }));
    expect(y.dtype).toBe('float64');
    expect(y.shape).toEqual([2, 4]);
  });

  test('errors name the shapes', () => {
    expect(() => linear(zeros([2, 3]), zeros([4, 5]))).toThrow(
      new ShapeError('linear: input features differ: x [2,3] has 3 features, weight [4,5] expects 5'),
    );
    expect(() => linear(zeros([2, 3]), zeros([3]))).toThrow(/linear: weight must be 2-D \(out, in\), got shape \[3\]/);
    expect(() => linear(zeros([2, 3]), zeros([4, 3]), zeros([3]))).toThrow(/linear: bias must have shape \[4\] to match weight \[4,3\], got \[3\]/);
  });
});
