import { Generator } from '@tsgrad/core';
import {
  layerNormBackwardReference,
  layerNormBackwardRows,
  layerNormForwardReference,
  layerNormForwardRows,
} from '../../src/functional/layer-norm-kernels.js';

// The unrolled LayerNorm row kernels against the plain reference loops.
describe('layerNorm row kernels agree with the reference loops', () => {
  const g = new Generator(21);
  const random = (n: number, scale = 1, shift = 0) => Float64Array.from({ length: n }, () => g.normal() * scale + shift);
  // Ragged widths around the unroll factors, offsets into larger arrays, and a large mean.
  const cases: [rows: number, d: number, shift: number][] = [[1, 1, 0], [3, 2, 0], [4, 3, 0], [5, 5, 0], [2, 7, 0], [9, 64, 0], [7, 65, 3], [3, 130, 100]];
  for (const Arr of [Float32Array, Float64Array]) {
    for (const [rows, d, shift] of cases) {
      test(`${Arr.name} rows ${rows} d ${d} mean ${shift}`, () => {
        const xo = 3;
        const wo = 1;
        const bo = 2;
        const x = Arr.from(random(xo + rows * d, 2, shift));
        const w = Arr.from(random(wo + d));
        const b = Arr.from(random(bo + d));
        const dy = Arr.from(random(5 + rows * d));
        const tol = Arr === Float32Array ? 2e-6 : 1e-12;
        const stats = () => ({ mean: new Float64Array(rows), rstd: new Float64Array(rows) });
        const [outF, outR] = [new Arr(rows * d), new Arr(rows * d)];
        const [sF, sR] = [stats(), stats()];
        layerNormForwardRows(outF, x, xo, w, wo, b, bo, rows, d, 1e-5, sF);
        layerNormForwardReference(outR, x, xo, w, wo, b, bo, rows, d, 1e-5, sR);
        outR.forEach((v, i) => expect(Math.abs(outF[i]! - v)).toBeLessThanOrEqual(tol * (1 + Math.abs(v))));
        sR.mean.forEach((v, i) => expect(Math.abs(sF.mean[i]! - v)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(v))));
        sR.rstd.forEach((v, i) => expect(Math.abs(sF.rstd[i]! - v)).toBeLessThanOrEqual(1e-9 * v));

        const [dxF, dxR] = [new Arr(rows * d), new Arr(rows * d)];
        const [dwF, dbF, dwR, dbR] = [new Float64Array(d), new Float64Array(d), new Float64Array(d), new Float64Array(d)];
        layerNormBackwardRows(dxF, dy, 5, x, xo, w, wo, rows, d, sR, dwF, dbF);
        layerNormBackwardReference(dxR, dy, 5, x, xo, w, wo, rows, d, sR, dwR, dbR);
        dxR.forEach((v, i) => expect(Math.abs(dxF[i]! - v)).toBeLessThanOrEqual(tol * (1 + Math.abs(v))));
        dwR.forEach((v, i) => expect(Math.abs(dwF[i]! - v)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(v))));
        dbR.forEach((v, i) => expect(Math.abs(dbF[i]! - v)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(v))));
      });
    }
  }
});
