import { DTypeError, Generator, randn, tensor, zeros, type Tensor } from '@tsgrad/core';
import { logSoftmax, softmax } from '../../src/index.js';
import {
  softmaxBackward,
  softmaxBackwardReference,
  softmaxForward,
  softmaxForwardReference,
  softmaxLayout,
} from '../../src/kernels/reduce-softmax.js';

const values = (t: Tensor) => Array.from(t.toTypedArray());

describe('softmax kernels agree with the reference on ragged layouts', () => {
  const g = new Generator(11);
  const layouts = [
    { outer: 1, n: 1, inner: 1 },
    { outer: 3, n: 7, inner: 1 },
    { outer: 2, n: 5, inner: 3 },
    { outer: 1, n: 4, inner: 17 },
    { outer: 5, n: 33, inner: 2 },
  ];
  for (const layout of layouts) {
    for (const log of [false, true]) {
      test(`${JSON.stringify(layout)} ${log ? 'log-softmax' : 'softmax'}`, () => {
        const size = layout.outer * layout.n * layout.inner;
        // A leading pad checks that the input offset is honoured.
        const x = Float64Array.from({ length: size + 3 }, () => g.normal() * 5);
        const out = new Float64Array(size);
        softmaxForward(x, 3, out, layout, log);
        const ref = softmaxForwardReference(x.subarray(3), layout, log);
        out.forEach((v, i) => expect(Math.abs(v - ref[i]!)).toBeLessThan(1e-13));
        const dy = Float64Array.from({ length: size }, () => g.normal());
        const dx = new Float64Array(size);
        softmaxBackward(dy, 0, out, 0, dx, layout, log);
        const dref = softmaxBackwardReference(dy, out, layout, log);
        dx.forEach((v, i) => expect(Math.abs(v - dref[i]!)).toBeLessThan(1e-12));
      });
    }
  }

  test('layout of a shape around a dim', () => {
    expect(softmaxLayout([2, 3, 4, 5], 1)).toEqual({ outer: 2, n: 3, inner: 20 });
    expect(softmaxLayout([], 0)).toEqual({ outer: 1, n: 1, inner: 1 });
  });
});

describe('softmax and logSoftmax', () => {
  test('stable for large logits: softmax([1000, 0]) = [1, ~0] with no NaN', () => {
    const p = values(softmax(tensor([1000, 0], { dtype: 'float64' }), 0));
    expect(p).toEqual([1, Math.exp(-1000)]);
    expect(values(logSoftmax(tensor([1000, 0], { dtype: 'float64' }), 0))).toEqual([0, -1000]);
    expect(values(softmax(tensor([-1000, 1000]), 0))).toEqual([0, 1]);
  });

  test('-Infinity entries get exactly 0; a row of all -Infinity gives NaN without throwing', () => {
    const x = tensor([[0, -Infinity, 0], [-Infinity, -Infinity, -Infinity]], { dtype: 'float64' });
    expect(values(softmax(x, 1))).toEqual([0.5, 0, 0.5, NaN, NaN, NaN]);
    expect(values(logSoftmax(x, 1))).toEqual([-Math.LN2, -Infinity, -Math.LN2, NaN, NaN, NaN]);
  });

  test('any dim, negative dims, strided inputs: matches a per-row computation', () => {
    const x = randn([3, 4, 5], { dtype: 'float64', generator: new Generator(2) });
    for (const dim of [0, 1, 2, -1, -3]) {
      const viaTranspose = softmax(x.transpose(dim, -1).contiguous(), -1).transpose(dim, -1);
      const direct = softmax(x, dim);
      values(direct).forEach((v, i) => expect(Math.abs(v - values(viaTranspose.contiguous())[i]!)).toBeLessThan(1e-15));
      const sums = values(direct.sum(dim));
      sums.forEach((s) => expect(s).toBeCloseTo(1, 14));
    }
    const t = x.permute([2, 0, 1]);
    const expected = values(softmax(t.contiguous(), 1));
    values(softmax(t, 1)).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 15));
    expect(values(x.logSoftmax(-1))).toEqual(values(logSoftmax(x, 2)));
  });

  test('dtypes, 0-d and empty inputs', () => {
    expect(softmax(tensor([1, 2]), 0).dtype).toBe('float32');
    expect(softmax(tensor([1, 2], { dtype: 'int32' }), 0).dtype).toBe('float32');
    expect(() => softmax(tensor([true]), 0)).toThrow(DTypeError);
    expect(softmax(tensor(3), 0).item()).toBe(1);
    expect(softmax(zeros([2, 0]), 1).shape).toEqual([2, 0]);
    expect(() => softmax(tensor([1, 2]), 1)).toThrow('softmax: dim 1 is out of range');
  });

  test('gradients: softmax y∘(dy − Σ dy∘y), logSoftmax dy − eʸ Σ dy', () => {
    const x = tensor([[1, 2, 3]], { dtype: 'float64', requiresGrad: true });
    const dy = tensor([[1, 0, -1]], { dtype: 'float64' });
    const y = softmax(x, 1);
    y.backward(dy);
    const p = values(y);
    const s = p[0]! - p[2]!;
    values(x.grad!).forEach((v, i) => expect(v).toBeCloseTo(p[i]! * ([1, 0, -1][i]! - s), 15));
    x.grad = null;
    logSoftmax(x, 1).backward(dy);
    values(x.grad!).forEach((v, i) => expect(v).toBeCloseTo([1, 0, -1][i]! - p[i]! * 0, 15));
  });

  test('logSoftmax gradient with a non-zero cotangent sum', () => {
    const x = tensor([0, 0], { dtype: 'float64', requiresGrad: true });
    logSoftmax(x, 0).backward(tensor([1, 1], { dtype: 'float64' }));
    expect(values(x.grad!)).toEqual([0, 0]);
    x.grad = null;
    logSoftmax(x, 0).backward(tensor([2, 0], { dtype: 'float64' }));
    expect(values(x.grad!)).toEqual([1, -1]);
  });
});
