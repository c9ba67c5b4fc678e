import { DTypeError, ArgumentError, tensor, zeros, type Tensor } from '@tsgrad/core';
import {
  abs, erf, exp, gelu, log, log1p, pow, reciprocal, relu, rsqrt, sigmoid, sign, silu, sqrt, square, tanh,
} from '../../src/index.js';

const values = (t: Tensor) => Array.from(t.toTypedArray());

describe('float unary ops: values', () => {
  test('known values in float64', () => {
    const x = tensor([0, 1, -2], { dtype: 'float64' });
    expect(values(exp(x))).toEqual([1, Math.E, Math.exp(-2)]);
    expect(values(tanh(x))).toEqual([0, Math.tanh(1), Math.tanh(-2)]);
    expect(values(sigmoid(x))).toEqual([0.5, 1 / (1 + Math.exp(-1)), Math.exp(-2) / (1 + Math.exp(-2))]);
    expect(values(silu(x))).toEqual([0, 1 / (1 + Math.exp(-1)), -2 / (1 + Math.exp(2))]);
    expect(values(erf(x))[1]).toBeCloseTo(0.8427007929497149, 15);
    const p = tensor([4, 0.25, 0], { dtype: 'float64' });
    expect(values(sqrt(p))).toEqual([2, 0.5, 0]);
    expect(values(rsqrt(p))).toEqual([0.5, 2, Infinity]);
    expect(values(log(p))).toEqual([Math.log(4), Math.log(0.25), -Infinity]);
    expect(values(log1p(tensor([1e-20, -1], { dtype: 'float64' })))).toEqual([1e-20, -Infinity]);
  });

  test('sigmoid and silu saturate without NaN; exp overflows to Infinity', () => {
    const x = tensor([-1000, 1000], { dtype: 'float64' });
    expect(values(sigmoid(x))).toEqual([0, 1]);
    expect(values(silu(x))).toEqual([-0, 1000]);
    expect(values(exp(x))).toEqual([0, Infinity]);
    expect(values(gelu(x))).toEqual([-0, 1000]);
    expect(values(gelu(x, { approximate: 'tanh' }))).toEqual([-0, 1000]);
  });

  test('NaN propagates', () => {
    const x = tensor([NaN], { dtype: 'float64' });
    for (const f of [exp, log, sqrt, tanh, sigmoid, relu, abs, sign, erf, silu, (t: Tensor) => gelu(t)]) expect(f(x).item()).toBeNaN();
  });

  test('dtypes: float32 kept, int32 gives float32, bool refused with the op named', () => {
    expect(exp(tensor([1, 2])).dtype).toBe('float32');
    expect(exp(tensor([1, 2], { dtype: 'float64' })).dtype).toBe('float64');
    const i = tensor([1, 4], { dtype: 'int32' });
    expect(sqrt(i).dtype).toBe('float32');
    expect(values(sqrt(i))).toEqual([1, 2]);
    expect(gelu(i).dtype).toBe('float32');
    const b = tensor([true, false]);
    expect(() => exp(b)).toThrow(DTypeError);
    expect(() => log(b)).toThrow('log: input must be float32, float64 or int32, got bool');
    expect(() => gelu(b)).toThrow(DTypeError);
  });

  test('empty tensors and 0-d tensors keep their shapes', () => {
    expect(exp(zeros([0, 3])).shape).toEqual([0, 3]);
    expect(tanh(tensor(0.5)).shape).toEqual([]);
  });

  test('chained methods', () => {
    const x = tensor([[1, 2], [3, 4]], { dtype: 'float64' });
    expect(values(x.exp().log())).toEqual([1, 2, 3, 4]);
    expect(values(x.sqrt().square())).toEqual(values(x).map((v) => Math.sqrt(v) ** 2));
    expect(x.gelu({ approximate: 'tanh' }).shape).toEqual([2, 2]);
  });

  test('strided inputs read the right elements', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' }).transpose(0, 1);
    expect(exp(x).toArray()).toEqual([[1, 4], [2, 5], [3, 6]].map((r) => r.map(Math.exp)));
  });

  test('gelu refuses an unknown approximation', () => {
    expect(() => gelu(tensor([1]), { approximate: 'erf' as 'none' })).toThrow(ArgumentError);
  });
});

describe('abs, sign, relu', () => {
  test('keep the dtype, int32 included', () => {
    const i = tensor([-3, 0, 2], { dtype: 'int32' });
    expect(abs(i).dtype).toBe('int32');
    expect(values(abs(i))).toEqual([3, 0, 2]);
    expect(values(sign(i))).toEqual([-1, 0, 1]);
    expect(values(relu(i))).toEqual([0, 0, 2]);
    expect(() => relu(tensor([true]))).toThrow('relu: x must be float32, float64 or int32, got bool');
  });

  test('gradients: sign(x) for abs (0 at 0), [x > 0] for relu, zero for sign', () => {
    const x = tensor([-2, 0, 3], { dtype: 'float64', requiresGrad: true });
    abs(x).sum().backward();
    expect(values(x.grad!)).toEqual([-1, 0, 1]);
    x.grad = null;
    relu(x).sum().backward();
    expect(values(x.grad!)).toEqual([0, 0, 1]);
    x.grad = null;
    sign(x).sum().backward();
    expect(values(x.grad!)).toEqual([0, 0, 0]);
  });
});

describe('pow', () => {
  test('number exponents, tensor exponents, number base', () => {
    const x = tensor([-2, 0.5, 3], { dtype: 'float64' });
    expect(values(pow(x, 2))).toEqual([4, 0.25, 9]);
    expect(values(pow(x, 3))).toEqual([-8, 0.125, 27]);
    expect(values(pow(x, 0.5))[0]).toBeNaN();
    expect(values(pow(2, x))).toEqual([0.25, Math.SQRT2, 8]);
    expect(values(pow(tensor([[2], [3]], { dtype: 'float64' }), tensor([1, 2], { dtype: 'float64' })))).toEqual([2, 4, 3, 9]);
  });

  test('C semantics where JavaScript differs: 1^NaN = 1, (−1)^∞ = 1, NaN^0 = 1', () => {
    const base = tensor([1, -1, NaN], { dtype: 'float64' });
    expect(values(pow(base, tensor([NaN, Infinity, 0], { dtype: 'float64' })))).toEqual([1, 1, 1]);
    expect(values(pow(base, 0))).toEqual([1, 1, 1]);
  });

  test('dtypes: int32 stays int32 for integer exponents, float32 otherwise; bool refused', () => {
    const i = tensor([2, 3], { dtype: 'int32' });
    expect(pow(i, 2).dtype).toBe('int32');
    expect(values(pow(i, 2))).toEqual([4, 9]);
    expect(pow(i, 0.5).dtype).toBe('float32');
    expect(() => pow(i, -1)).toThrow('pow: integers to negative integer powers are not allowed (int32 base, exponent -1)');
    expect(() => pow(tensor([true]), 2)).toThrow(DTypeError);
    expect(square(i).dtype).toBe('int32');
    expect(values(reciprocal(i))).toEqual([0.5, 1 / 3].map(Math.fround));
  });

  test('gradients at zero: x⁰ gives 0 (not NaN), 0ᵇ for b ≥ 0 gives 0 for the exponent', () => {
    const x = tensor([0, 2], { dtype: 'float64', requiresGrad: true });
    pow(x, 0).sum().backward();
    expect(values(x.grad!)).toEqual([0, 0]);
    const a = tensor([0, 2], { dtype: 'float64', requiresGrad: true });
    const b = tensor([2, 3], { dtype: 'float64', requiresGrad: true });
    pow(a, b).sum().backward();
    expect(values(a.grad!)).toEqual([0, 12]);
    expect(values(b.grad!)).toEqual([0, 8 * Math.log(2)]);
  });
});
