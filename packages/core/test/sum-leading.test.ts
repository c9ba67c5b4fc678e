import { Generator, randint, randn, sum, sumToShape, type Tensor } from '../src/index.js';

// Summing a contiguous tensor over its leading dims takes a column-by-column path; the same
// values through a non-contiguous view take the row-wise one. Both must agree bit for bit.
function nonContiguousCopy(x: Tensor): Tensor {
  const last = x.ndim - 1;
  return x.transpose(last - 1, last).contiguous().transpose(last - 1, last);
}

describe('sum over leading dims matches the row-wise kernel bit for bit', () => {
  const g = new Generator(11);
  for (let trial = 0; trial < 25; trial++) {
    const ndim = g.integer(2, 5);
    const shape = Array.from({ length: ndim }, () => g.integer(1, 7));
    const k = g.integer(1, ndim);
    const dims = Array.from({ length: k }, (_, i) => i);
    const keepDim = trial % 2 === 0;
    test(`shape [${shape}] over dims [${dims}] keepDim ${keepDim}`, () => {
      // float64 sums round at every step, so they catch a change of order; float32 and int32 are exact in float64.
      const inputs = [randn(shape, { generator: g, dtype: 'float64' }).mul(1e3), randn(shape, { generator: g }), randint(-50, 50, shape, { generator: g })];
      for (const x of inputs) {
        const strided = nonContiguousCopy(x);
        expect(x.isContiguous()).toBe(true);
        expect(strided.isContiguous()).toBe(shape[ndim - 1]! === 1 || shape[ndim - 2]! === 1);
        const fast = sum(x, dims, keepDim);
        const slow = sum(strided, dims, keepDim);
        expect(fast.shape).toEqual(slow.shape);
        expect(fast.dtype).toBe(slow.dtype);
        expect(Array.from(fast.toTypedArray())).toEqual(Array.from(slow.toTypedArray()));
      }
    });
  }

  test('sumToShape of a broadcast gradient, with an offset view', () => {
    const base = randn([5, 16, 8, 6], { generator: g });
    const x = base.narrow(0, 2, 1).squeeze(0);
    const target = [8, 6];
    expect(Array.from(sumToShape(x, target).toTypedArray())).toEqual(Array.from(sumToShape(nonContiguousCopy(x), target).toTypedArray()));
  });
});
