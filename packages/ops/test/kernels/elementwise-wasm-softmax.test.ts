import { Generator, randn } from '@tsgrad/core';
import { logSoftmax, softmax } from '../../src/index.js';
import { softmaxForward, softmaxForwardReference } from '../../src/kernels/reduce-softmax.js';
import {
  SOFTMAX_STATS_PER_ROW,
  SOFTMAX_WASM_MIN,
  shiftScaleRowsWasm,
  softmaxRowsWasm,
} from '../../src/kernels/elementwise-wasm-softmax.js';

// Float32 SIMD against the float64 textbook reference: each probability within a few float32
// roundings of exp and of a sum of up to 257 terms; log-probabilities within that of log Σ.
function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, rel: number, abs: number, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const a = got[i]!;
    const b = want[i]!;
    if (Number.isNaN(b) || !Number.isFinite(b)) {
      if (!Object.is(a, b)) throw new Error(`${what}[${i}]: got ${a}, want ${b}`);
    } else if (!(Math.abs(a - b) <= rel * Math.abs(b) + abs)) {
      throw new Error(`${what}[${i}]: got ${a}, want ${b} (diff ${Math.abs(a - b)})`);
    }
  }
}

function rowStats(x: Float32Array, rows: number, c: number): { max: number[]; logSum: number[]; sumX: number[]; sumAbs: number[] } {
  const s = { max: [] as number[], logSum: [] as number[], sumX: [] as number[], sumAbs: [] as number[] };
  for (let r = 0; r < rows; r++) {
    const line = Array.from(x.subarray(r * c, r * c + c));
    const m = Math.max(...line);
    s.max.push(m);
    s.logSum.push(Math.log(line.reduce((t, v) => t + Math.exp(v - m), 0)));
    s.sumX.push(line.reduce((t, v) => t + v, 0));
    s.sumAbs.push(line.reduce((t, v) => t + Math.abs(v), 0));
  }
  return s;
}

describe('softmaxRowsWasm matches the float64 reference', () => {
  const g = new Generator(11);
  const cases: [number, number, number][] = [];
  for (const c of [1, 3, 5, 65, 257]) {
    for (const rows of [1, 7, 50]) {
      if (rows * c < SOFTMAX_WASM_MIN) continue;
      cases.push([rows, c, 1], [rows, c, 30]);
    }
  }
  cases.push([1 + (SOFTMAX_WASM_MIN >> 2), 4, 1], [200, 3, 1e4]);

  for (const [rows, c, scale] of cases) {
    for (const log of [false, true]) {
      test(`${rows} rows of ${c}, scale ${scale}, ${log ? 'log-softmax' : 'softmax'}`, () => {
        const n = rows * c;
        const xo = 3;
        const xs = Float32Array.from({ length: xo + n + 5 }, () => g.normal() * scale);
        const x = xs.subarray(xo, xo + n);
        const out = new Float32Array(n).fill(7);
        const stats = new Float64Array(SOFTMAX_STATS_PER_ROW * rows);
        expect(softmaxRowsWasm(out, xs, xo, rows, c, log, stats)).toBe(true);
        const want = softmaxForwardReference(x, { outer: rows, n: c, inner: 1 }, log);
        if (log) expectClose(out, want, 1e-6, 2e-5, 'logp');
        else expectClose(out, want, 1e-5, 1e-30, 'p');
        const ref = rowStats(x, rows, c);
        for (let r = 0; r < rows; r++) {
          expect(stats[3 * r]).toBe(ref.max[r]);
          expect(Math.abs(stats[3 * r + 1]! - ref.logSum[r]!)).toBeLessThan(2e-5);
          expect(Math.abs(stats[3 * r + 2]! - ref.sumX[r]!)).toBeLessThanOrEqual(1e-6 * ref.sumAbs[r]! * c);
        }
      });
    }
  }

  test('-Infinity, +Infinity and NaN rows match the JavaScript kernel', () => {
    const c = 5;
    const lines = [
      [0, -Infinity, 1, -Infinity, 2],
      [-Infinity, -Infinity, -Infinity, -Infinity, -Infinity],
      [1, NaN, 2, 3, 4],
      [1, 2, Infinity, 3, -Infinity],
      [-Infinity, -Infinity, -Infinity, -Infinity, 1e30],
      [-1e30, 1e30, 0, -Infinity, 88],
      [-3.4e38, 3.4e38, -200, 50, -87.5],
    ];
    const filler = Array.from({ length: 40 }, (_, r) => Array.from({ length: c }, (_, j) => Math.sin(r * c + j) * 100));
    const all = [...lines, ...filler];
    const rows = all.length;
    const x = Float32Array.from(all.flat());
    for (const log of [false, true]) {
      const out = new Float32Array(rows * c);
      const stats = new Float64Array(SOFTMAX_STATS_PER_ROW * rows);
      expect(softmaxRowsWasm(out, x, 0, rows, c, log, stats)).toBe(true);
      // A float64 input keeps softmaxForward on its JavaScript rows (float32 output, as here).
      const js = new Float32Array(rows * c);
      softmaxForward(Float64Array.from(x), 0, js, { outer: rows, n: c, inner: 1 }, log);
      expectClose(out, js, log ? 1e-6 : 1e-5, log ? 2e-5 : 1e-30, log ? 'logp' : 'p');
      expect([out[1], out[3]]).toEqual(log ? [-Infinity, -Infinity] : [0, 0]);
      for (const r of [1, 2, 3]) expect(Array.from(out.subarray(r * c, r * c + c)).every(Number.isNaN)).toBe(true);
      expect(Array.from(out.subarray(4 * c, 5 * c))).toEqual(log ? [-Infinity, -Infinity, -Infinity, -Infinity, 0] : [0, 0, 0, 0, 1]);
      expect(stats[3 + 1]).toBeNaN();
      expect(stats[7]).toBeNaN();
      expect(stats[3 * 4 + 2]).toBe(-Infinity);
    }
  });

  test('declines small inputs', () => {
    const x = new Float32Array(SOFTMAX_WASM_MIN - 1);
    const out = new Float32Array(x.length).fill(5);
    expect(softmaxRowsWasm(out, x, 0, 1, x.length, false)).toBe(false);
    expect(out.every((v) => v === 5)).toBe(true);
  });
});

describe('shiftScaleRowsWasm matches the plain loop', () => {
  const g = new Generator(12);
  for (const [rows, c] of [[1, 257], [50, 3], [43, 5], [20, 65]] as const) {
    test(`${rows} rows of ${c}`, () => {
      const p = Float32Array.from({ length: rows * c }, () => g.random());
      p[2] = NaN;
      const scale = Float32Array.from({ length: rows }, (_, r) => (r % 7 === 3 ? 0 : g.normal()));
      const shift = 0.1 / c;
      const out = new Float32Array(rows * c).fill(9);
      expect(shiftScaleRowsWasm(out, p, scale, rows, c, shift)).toBe(true);
      const want = Float32Array.from(p, (v, i) => Math.fround(Math.fround(v - Math.fround(shift)) * scale[Math.floor(i / c)]!));
      expect(out).toEqual(want);
    });
  }

  test('declines small inputs', () => {
    const out = new Float32Array(4);
    expect(shiftScaleRowsWasm(out, new Float32Array(4), new Float32Array(1), 1, 4, 0)).toBe(false);
  });
});

describe('the softmax ops take the SIMD rows for float32 over the last dim', () => {
  test('softmax and logSoftmax of (40, 65) float32 agree with float64', () => {
    const x = randn([40, 65], { generator: new Generator(13) }).mul(4);
    for (const [op, tol] of [[softmax, 1e-6], [logSoftmax, 1e-5]] as const) {
      const got = op(x, -1).toTypedArray();
      const want = op(x.to('float64'), -1).toTypedArray();
      expect(got).toBeInstanceOf(Float32Array);
      want.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThanOrEqual(tol * (1 + Math.abs(v))));
    }
  });
});
