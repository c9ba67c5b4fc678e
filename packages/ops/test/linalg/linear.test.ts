import { Generator, ShapeError, Tensor, cast, expand, grad, mul, randn, sum, tensor, zeros } from '@tsgrad/core';
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

  // float32 runs the WebAssembly GEMMs (float32 accumulation), float64 the TypeScript ones: the reference here.
  test.each([true, false])('float32 gradients match float64 on random ragged shapes (bias: %s)', (withBias) => {
    for (let trial = 0; trial < 6; trial++) {
      const [rows, batch, inF, outF] = [g.integer(1, 24), g.integer(1, 4), g.integer(1, 40), g.integer(1, 40)];
      const x = randn([batch, rows, inF], { generator: g });
      const w = randn([outF, inF], { generator: g });
      const b = withBias ? randn([outF], { generator: g }) : null;
      const cot = randn([batch, rows, outF], { generator: g });
      const grads = (dtype: 'float32' | 'float64', wants: boolean[]) => {
        const leaves = [x, w, ...(b ? [b] : [])].map((t, i) => (wants[i] ? cast(t, dtype).detach().requiresGrad_() : cast(t, dtype)));
        const y = linear(leaves[0]!, leaves[1]!, leaves[2] ?? null);
        return grad(sum(mul(y, cast(cot, dtype))), leaves.filter((_, i) => wants[i]));
      };
      for (const wants of [[true, true, true], [false, true, true], [true, false, false]]) {
        const fast = grads('float32', wants);
        const reference = grads('float64', wants);
        fast.forEach((d, i) => {
          expect(d!.dtype).toBe('float32');
          expectClose(d!, reference[i]!, 2e-5);
        });
      }
    }
  });

  test('float32 gradients from a broadcast (non-contiguous) dy and a 1-D input', () => {
    const w = randn([9, 6], { generator: g }).requiresGrad_();
    const b = randn([9], { generator: g }).requiresGrad_();
    const x = randn([6], { generator: g }).requiresGrad_();
    const rowSum = (t: Tensor) => sum(linear(expand(t, [5, 6]), w, b));
    const [dx, dw, db] = grad(rowSum(x), [x, w, b]);
    const x64 = cast(x, 'float64').detach().requiresGrad_();
    const w64 = cast(w, 'float64').detach().requiresGrad_();
    const b64 = cast(b, 'float64').detach().requiresGrad_();
    const reference = grad(sum(linear(expand(x64, [5, 6]), w64, b64)), [x64, w64, b64]);
    [dx, dw, db].forEach((d, i) => expectClose(d!, reference[i]!, 1e-5));
    const y = linear(x, w);
    expect(y.shape).toEqual([9]);
  });

  test('second-order gradients through a float32 linear match float64', () => {
    const secondOrder = (dtype: 'float32' | 'float64') => {
      const gen = new Generator(5);
      const x = randn([3, 7], { dtype, generator: gen }).requiresGrad_();
      const w = randn([4, 7], { dtype, generator: gen }).requiresGrad_();
      const b = randn([4], { dtype, generator: gen });
      const [dx] = grad(sum(mul(linear(x, w, b), linear(x, w, b))), [x], { createGraph: true });
      return grad(sum(mul(dx!, dx!)), [x, w]);
    };
    const fast = secondOrder('float32');
    secondOrder('float64').forEach((d, i) => expectClose(fast[i]!, d!, 1e-4));
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
