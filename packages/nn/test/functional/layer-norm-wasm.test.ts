import { Generator } from '@tsgrad/core';
import { LAYER_NORM_WASM_MIN, layerNormBackwardWasm, layerNormForwardWasm } from '@tsgrad/ops';
import { layerNormBackwardReference, layerNormForwardReference } from '../../src/functional/layer-norm-kernels.js';

// The WebAssembly SIMD LayerNorm (float32 arithmetic) against the float64 reference loops.
describe('layerNorm WebAssembly kernels agree with the reference loops (float32 tolerance)', () => {
  const g = new Generator(8);
  const random = (n: number, scale = 1, shift = 0) => Float32Array.from({ length: n }, () => g.normal() * scale + shift);
  // Ragged widths (not multiples of 4), offsets, a large mean, accumulators that start non-zero.
  const cases: [rows: number, d: number, shift: number][] = [[32, 8, 0], [40, 13, 0], [16, 64, 0], [9, 67, 3], [5, 130, 100], [300, 64, 0], [64, 64, 1000]];
  for (const [rows, d, shift] of cases) {
    test(`rows ${rows} d ${d} mean ${shift}`, () => {
      const [xo, wo, bo, go] = [3, 1, 2, 5];
      const x = random(xo + rows * d, 2, shift);
      const w = random(wo + d);
      const b = random(bo + d);
      const dy = random(go + rows * d);
      const stats = () => ({ mean: new Float64Array(rows), rstd: new Float64Array(rows) });
      const [outW, outR] = [new Float32Array(rows * d), new Float32Array(rows * d)];
      const [sW, sR] = [stats(), stats()];
      expect(layerNormForwardWasm(outW, x, xo, w, wo, b, bo, rows, d, 1e-5, sW)).toBe(true);
      layerNormForwardReference(outR, x, xo, w, wo, b, bo, rows, d, 1e-5, sR);
      const close = (a: ArrayLike<number>, r: ArrayLike<number>, tol: number) => {
        for (let i = 0; i < r.length; i++) expect(Math.abs(a[i]! - r[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(r[i]!)));
      };
      close(outW, outR, 1e-6);
      close(sW.mean, sR.mean, 1e-6);
      close(sW.rstd, sR.rstd, 1e-6);
      const acc = () => Float64Array.from({ length: d }, (_, j) => 0.25 * j);
      const [dxW, dxR] = [new Float32Array(rows * d), new Float32Array(rows * d)];
      const [dwW, dbW, dwR, dbR] = [acc(), acc(), acc(), acc()];
      expect(layerNormBackwardWasm(dxW, dy, go, x, xo, w, wo, rows, d, sR, dwW, dbW)).toBe(true);
      layerNormBackwardReference(dxR, dy, go, x, xo, w, wo, rows, d, sR, dwR, dbR);
      close(dxW, dxR, 1e-6);
      // dw and db sum over the rows in float32 partial sums: the error scales with the
      // magnitudes summed (Σ|dy·x̂|, Σ|dy|), not with the result, which may cancel.
      for (let j = 0; j < d; j++) {
        let absDw = 0;
        let absDb = 0;
        for (let r = 0; r < rows; r++) {
          const g = dy[go + r * d + j]!;
          absDw += Math.abs(g * (x[xo + r * d + j]! - sR.mean[r]!) * sR.rstd[r]!);
          absDb += Math.abs(g);
        }
        expect(Math.abs(dwW[j]! - dwR[j]!)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(dwR[j]!) + absDw));
        expect(Math.abs(dbW[j]! - dbR[j]!)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(dbR[j]!) + absDb));
      }
    });
  }

  test('non-finite inputs propagate as in the reference', () => {
    const [rows, d] = [32, 16];
    const x = random(rows * d);
    x[5] = NaN;
    x[40] = Infinity;
    const w = random(d);
    const b = random(d);
    const stats = () => ({ mean: new Float64Array(rows), rstd: new Float64Array(rows) });
    const [outW, outR] = [new Float32Array(rows * d), new Float32Array(rows * d)];
    layerNormForwardWasm(outW, x, 0, w, 0, b, 0, rows, d, 1e-5, stats());
    layerNormForwardReference(outR, x, 0, w, 0, b, 0, rows, d, 1e-5, stats());
    for (let i = 0; i < rows * d; i++) expect(Number.isNaN(outW[i]!)).toBe(Number.isNaN(outR[i]!));
  });

  test('declines small inputs', () => {
    const n = LAYER_NORM_WASM_MIN - 8;
    const stats = { mean: new Float64Array(n / 8), rstd: new Float64Array(n / 8) };
    expect(layerNormForwardWasm(new Float32Array(n), random(n), 0, random(8), 0, random(8), 0, n / 8, 8, 1e-5, stats)).toBe(false);
  });
});
