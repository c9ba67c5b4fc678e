import { Generator, Tensor, mapBinary, mapUnary, tensor } from '@tsgrad/core';
import { erf, erfc } from '../../src/kernels/elementwise-erf.js';
import {
  geluExactGradRow,
  geluExactRow,
  geluGradReference,
  geluReference,
  geluTanhGradRow,
  geluTanhRow,
} from '../../src/kernels/elementwise-gelu.js';

// Reference values from mpmath at 40 digits, rounded to float64.
const erfTable: [number, number][] = [
  [0, 0],
  [1e-10, 1.1283791670955126e-10],
  [0.1, 0.1124629160182849],
  [0.46875, 0.49261347321793797],
  [0.5, 0.5204998778130465],
  [1, 0.8427007929497149],
  [2, 0.9953222650189527],
  [3.5, 0.9999992569016276],
  [-0.75, -0.7111556336535151],
];
const erfcTable: [number, number][] = [
  [0.5, 0.4795001221869535],
  [2, 0.004677734981047266],
  [4, 1.541725790028002e-8],
  [5, 1.537459794428035e-12],
  [10, 2.088487583762545e-45],
  [26, 5.663192408856143e-296],
  [-1, 1.8427007929497148],
];

describe('erf kernel (Cody)', () => {
  test.each(erfTable)('erf(%p)', (x, want) => {
    expect(Math.abs(erf(x) - want)).toBeLessThanOrEqual(2e-16 * Math.max(Math.abs(want), 1e-300));
  });

  test.each(erfcTable)('erfc(%p) keeps its relative accuracy in the tail', (x, want) => {
    expect(Math.abs(erfc(x) - want) / want).toBeLessThan(1e-15);
  });

  test('odd symmetry, limits and NaN', () => {
    for (const x of [0.3, 0.9, 2.5, 6]) expect(erf(-x)).toBe(-erf(x));
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(erfc(30)).toBe(0);
    expect(erf(NaN)).toBeNaN();
    expect(erfc(NaN)).toBeNaN();
    expect(Object.is(erf(-0), -0)).toBe(true);
  });
});

describe('gelu row kernels agree with the reference formulas', () => {
  const g = new Generator(3);
  // Ragged sizes and a strided (transposed) input exercise every row walk.
  const shapes = [[1], [7], [3, 5], [4, 1, 9], [2, 33]];
  for (const shape of shapes) {
    for (const dtype of ['float64', 'float32'] as const) {
      test(`shape [${shape}] ${dtype}`, () => {
        const n = shape.reduce((a, b) => a * b, 1);
        const data = Float64Array.from({ length: n }, () => g.normal() * 4);
        const base = tensor(data, { shape, dtype });
        const x = shape.length > 1 ? base.transpose(0, shape.length - 1) : base;
        const dy = tensor(Float64Array.from({ length: n }, () => g.normal()), { shape: x.shape, dtype });
        const xs = x.toTypedArray();
        const dys = dy.toTypedArray();
        const tol = dtype === 'float64' ? 1e-14 : 1e-6;
        for (const [approximate, fwd, bwd] of [['none', geluExactRow, geluExactGradRow], ['tanh', geluTanhRow, geluTanhGradRow]] as const) {
          const y = mapUnary(x, dtype, fwd).toTypedArray();
          const dx = mapBinary('gelu', dy, x, dtype, bwd).toTypedArray();
          xs.forEach((v, i) => {
            expect(Math.abs(y[i]! - geluReference(v, approximate))).toBeLessThanOrEqual(tol * (1 + Math.abs(v)));
            expect(Math.abs(dx[i]! - dys[i]! * geluGradReference(v, approximate))).toBeLessThanOrEqual(tol * (1 + Math.abs(dys[i]!)));
          });
        }
      });
    }
  }

  test('the exact form keeps relative accuracy far in the negative tail', () => {
    const y = mapUnary(tensor([-10, -30, 40], { dtype: 'float64' }), 'float64', geluExactRow).toTypedArray();
    // gelu(-10) = -10·Φ(-10) = -10·7.619853024160525e-24
    expect(y[0]! / -7.619853024160525e-23).toBeCloseTo(1, 12);
    expect(y[1]).toBeLessThanOrEqual(0);
    expect(y[1]).toBeGreaterThan(-1e-190);
    expect(y[2]).toBe(40);
  });

  test('known values: gelu(1) = 0.8413447460685429, tanh form 0.8411919906082768', () => {
    const x = Tensor.fromData(Float64Array.of(1), [1]);
    expect(mapUnary(x, 'float64', geluExactRow).item()).toBeCloseTo(0.8413447460685429, 15);
    expect(mapUnary(x, 'float64', geluTanhRow).item()).toBeCloseTo(0.8411919906082768, 15);
  });
});
