import { Generator, grad, mapBinary, mapUnary, noGrad, onesLike, randn, tensor } from '@tsgrad/core';
import { erfc } from '../../src/kernels/elementwise-erf.js';
import { geluExactGradRow, geluExactRow, geluGradReference, geluReference } from '../../src/kernels/elementwise-gelu.js';
import { geluExactGradRowF32, geluExactRowF32, geluExactWithGradF32 } from '../../src/kernels/elementwise-gelu-table.js';
import { gelu } from '../../src/elementwise/gelu.js';

// The float32 table kernels against float64 references (and the exact kernels). PyTorch's
// formula ½x(1 + erf(x/√2)) cancels in the left tail, so gelu is referenced through erfc there.
const geluTail = (x: number): number => 0.5 * x * erfc(-x / Math.SQRT2);
const want = (x: number): number => (x < -3 ? geluTail(x) : geluReference(x, 'none'));
/** Float32 rounding of the result (relative, or absolute among subnormals) plus the table's 2e-7. */
const tolerance = (y: number): number => 3e-7 * Math.abs(y) + 1e-44;
describe('float32 GELU table kernels', () => {
  const g = new Generator(11);
  // Ragged sizes, a transposed (strided) input, wide inputs that reach both table ends and the tails.
  const cases: [number[], number][] = [[[1], 1], [[13], 3], [[5, 7], 2], [[3, 1, 33], 4], [[67, 9], 8], [[2, 501], 1]];
  for (const [shape, scale] of cases) {
    test(`shape [${shape}], x ~ N(0, ${scale}²)`, () => {
      const n = shape.reduce((a, b) => a * b, 1);
      const base = tensor(Float64Array.from({ length: n }, () => g.normal() * scale), { shape, dtype: 'float32' });
      const x = shape.length > 1 ? base.transpose(0, shape.length - 1) : base;
      const dy = tensor(Float64Array.from({ length: n }, () => g.normal()), { shape: x.shape, dtype: 'float32' });
      const xs = x.toTypedArray();
      const dys = dy.toTypedArray();
      const y = mapUnary(x, 'float32', geluExactRowF32).toTypedArray();
      const yExact = mapUnary(x, 'float32', geluExactRow).toTypedArray();
      const dx = mapBinary('gelu', dy, x, 'float32', geluExactGradRowF32).toTypedArray();
      const dxExact = mapBinary('gelu', dy, x, 'float32', geluExactGradRow).toTypedArray();
      xs.forEach((v, i) => {
        expect(Math.abs(y[i]! - want(v))).toBeLessThanOrEqual(tolerance(want(v)));
        expect(Math.abs(y[i]! - yExact[i]!)).toBeLessThanOrEqual(tolerance(want(v)));
        const wantGrad = dys[i]! * geluGradReference(v, 'none');
        expect(Math.abs(dx[i]! - wantGrad)).toBeLessThanOrEqual(2e-7 * Math.abs(wantGrad) + 1e-9 * Math.abs(dys[i]!));
        expect(Math.abs(dx[i]! - dxExact[i]!)).toBeLessThanOrEqual(2e-7 * Math.abs(wantGrad) + 1e-9 * Math.abs(dys[i]!));
      });
    });
  }

  test('table edges, tails, signed zero, infinities and NaN', () => {
    const values = [-6, -6 - 2 ** -20, -6 + 2 ** -20, 6, 6 - 2 ** -20, -5.99, 5.99, -1 / 64, 1 / 64, 0.5, -10, 10, -40, 40, 1e-30, -1e-30];
    const y = mapUnary(tensor(values), 'float32', geluExactRowF32).toTypedArray();
    const dx = mapBinary('gelu', tensor(values.map(() => 1)), tensor(values), 'float32', geluExactGradRowF32).toTypedArray();
    values.forEach((v, i) => {
      const xv = Math.fround(v);
      expect(Math.abs(y[i]! - want(xv))).toBeLessThanOrEqual(tolerance(want(xv)));
      expect(Math.abs(dx[i]! - geluGradReference(xv, 'none'))).toBeLessThanOrEqual(2e-7 * Math.abs(geluGradReference(xv, 'none')) + 1e-9);
    });
    const special = [-0, 0, Infinity, -Infinity, NaN];
    const ys = mapUnary(tensor(special), 'float32', geluExactRowF32).toTypedArray();
    const ds = mapBinary('gelu', tensor([1, 1, 1, 1, 1]), tensor(special), 'float32', geluExactGradRowF32).toTypedArray();
    expect(Object.is(ys[0], -0)).toBe(true);
    expect(Object.is(ys[1], 0)).toBe(true);
    expect(ys[2]).toBe(Infinity);
    expect(ys[3]).toBeNaN(); // -Inf · Φ(-Inf) = -Inf · 0, as in the exact kernel and PyTorch
    expect(ys[4]).toBeNaN();
    expect([ds[0], ds[1]]).toEqual([0.5, 0.5]);
    // Infinite inputs follow the exact kernel (x·φ(x) is ∞·0 there, NaN, as in PyTorch).
    const dsExact = mapBinary('gelu', tensor([1, 1, 1, 1, 1]), tensor(special), 'float32', geluExactGradRow).toTypedArray();
    expect(Array.from(ds.subarray(2))).toEqual(Array.from(dsExact.subarray(2)));
    expect(ds[4]).toBeNaN();
  });

  test('gelu picks the table for float32 and the float64 formulas for float64', () => {
    const v = 0.3 + 2 ** -40;
    expect(gelu(tensor([v], { dtype: 'float64' })).item()).toBeCloseTo(geluReference(v, 'none'), 15);
    expect(gelu(tensor([v])).item()).toBe(Math.fround(mapUnary(tensor([v]), 'float32', geluExactRowF32).item()));
  });

  test('the fused value-and-derivative kernel matches the two row kernels exactly', () => {
    for (const [n, scale] of [[1, 1], [37, 3], [1000, 9]] as const) {
      const x = Float32Array.from({ length: n + 2 }, () => g.normal() * scale);
      x[1] = NaN;
      const y = new Float32Array(n);
      const d = new Float32Array(n);
      geluExactWithGradF32(y, d, x, 2, n);
      const xt = tensor(x.subarray(2));
      expect(Array.from(y)).toEqual(Array.from(mapUnary(xt, 'float32', geluExactRowF32).toTypedArray()));
      const dRef = mapBinary('gelu', onesLike(xt), xt, 'float32', geluExactGradRowF32).toTypedArray();
      expect(Array.from(d)).toEqual(Array.from(dRef));
    }
  });

  test('a forward that keeps gelu′ gives the gradients of one that does not', () => {
    const base = randn([3, 50, 7], { generator: g }).mul(2);
    // Contiguous x keeps gelu′ in the forward (the WebAssembly kernel where it loads: 1.5e-6
    // relative for gelu, 2e-7 absolute for gelu′); the transposed view takes the row kernels.
    for (const x of [base, base.transpose(0, 2)]) {
      const leaf = x.detach();
      leaf.requiresGrad = true;
      const dy = randn(leaf.shape, { generator: g });
      const out = gelu(leaf);
      const [dx] = grad(out, leaf, { gradOutputs: dy });
      const y = out.toTypedArray();
      const plain = noGrad(() => gelu(leaf)).toTypedArray();
      y.forEach((v, i) => expect(Math.abs(v - plain[i]!)).toBeLessThanOrEqual(2e-6 * Math.abs(plain[i]!)));
      const want = mapBinary('gelu', dy, leaf, 'float32', geluExactGradRowF32).toTypedArray();
      const dys = dy.toTypedArray();
      // gelu′ to 2.5e-7 absolute, then one float32 rounding of the product.
      dx!.toTypedArray().forEach((v, i) =>
        expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(2.5e-7 * Math.abs(dys[i]!) + 1.2e-7 * Math.abs(want[i]!)));
    }
  });
});
