import { gemmBlocked, gemmBlockedRows } from '../../src/kernels/gemm-blocked.js';
import { makeCase, relativeError, standardCases } from './gemm-fixtures.js';

describe('gemmBlocked (TypeScript kernel)', () => {
  for (const [name, spec] of standardCases(3)) {
    it(`float32 matches the reference: ${name}`, () => {
      expect(relativeError(gemmBlocked, makeCase(Float32Array, 31, spec))).toBeLessThan(1e-5);
    });
    it(`float64 matches the reference: ${name}`, () => {
      expect(relativeError(gemmBlocked, makeCase(Float64Array, 32, spec))).toBeLessThan(1e-12);
    });
  }

  it('computes the same C when the rows are split into ranges, as a worker pool would', () => {
    const whole = makeCase(Float64Array, 7, { m: 131, n: 37, k: 45, batch: 2, transA: true, accumulate: true });
    const split = { ...whole, c: whole.c.slice() };
    gemmBlocked(whole);
    for (let t = 0; t < 2; t++) {
      for (const [start, end] of [[0, 50], [50, 51], [51, 131]]) gemmBlockedRows(split, t, start, end);
    }
    expect(Array.from(split.c)).toEqual(Array.from(whole.c));
  });
});
