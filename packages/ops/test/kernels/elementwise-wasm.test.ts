import { Generator, add, mul, sub, tensor } from '@tsgrad/core';
import { BINARY_WASM_MIN, binaryRowsWasm } from '../../src/kernels/elementwise-wasm-binary.js';
import { GELU_WASM_MIN, geluWithGradWasm } from '../../src/kernels/elementwise-wasm-gelu.js';
import { geluExactGrad, normalCdfExact } from '../../src/kernels/elementwise-gelu.js';
import { elementwiseWasm, stage } from '../../src/kernels/elementwise-wasm.js';
import { copyStridedWasm } from '../../src/kernels/elementwise-wasm-copy.js';

const g = new Generator(5);
const random = (n: number, scale = 1) => Float32Array.from({ length: n }, () => g.normal() * scale);
const specials = [NaN, Infinity, -Infinity, 0, -0];

test('the SIMD module loads on this runtime', () => {
  expect(elementwiseWasm()).not.toBeNull();
});

describe('binaryRowsWasm against the JavaScript loop (exact: one IEEE operation each)', () => {
  const ops = { add: (a: number, b: number) => a + b, sub: (a: number, b: number) => a - b, mul: (a: number, b: number) => a * b };
  // Ragged widths (not multiples of 4), broadcast rows on either side, offsets into larger arrays.
  const cases: [rows: number, n: number, aRow: boolean, bRow: boolean][] = [
    [1, 257, false, false], [1, 1023, false, false], [7, 61, false, true], [33, 13, true, false], [16, 64, false, true], [5, 130, true, true],
  ];
  for (const [op, f] of Object.entries(ops) as ['add' | 'sub' | 'mul', (a: number, b: number) => number][]) {
    for (const [rows, n, aRow, bRow] of cases) {
      test(`${op} rows ${rows} n ${n} a ${aRow ? 'row' : 'full'} b ${bRow ? 'row' : 'full'}`, () => {
        const a = random(3 + (aRow ? n : rows * n));
        const b = random(2 + (bRow ? n : rows * n));
        a.set(specials, 4);
        b.set(specials.reverse(), 9);
        const out = new Float32Array(rows * n);
        const ok = binaryRowsWasm(op, out, a, 3, aRow ? 0 : n, b, 2, bRow ? 0 : n, rows, n);
        expect(ok).toBe(rows * n >= BINARY_WASM_MIN);
        if (!ok) return;
        const want = new Float32Array(rows * n);
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < n; j++) want[r * n + j] = f(a[3 + (aRow ? 0 : r * n) + j]!, b[2 + (bRow ? 0 : r * n) + j]!);
        }
        expect(out).toEqual(want);
      });
    }
  }

  test('declines below the threshold', () => {
    const out = new Float32Array(8);
    expect(binaryRowsWasm('add', out, random(8), 0, 8, random(8), 0, 8, 1, 8)).toBe(false);
    expect(out).toEqual(new Float32Array(8));
  });

  test('core add/sub/mul take it for large float32 operands, bias broadcast included', () => {
    const x = random(40 * 67);
    const bias = random(67);
    const xt = tensor(x, { dtype: 'float32' }).reshape([40, 67]);
    const bt = tensor(bias, { dtype: 'float32' });
    const got = { add: add(xt, bt), sub: sub(bt, xt), mul: mul(xt, xt) };
    for (let i = 0; i < 40 * 67; i++) {
      const [v, c] = [x[i]!, bias[i % 67]!];
      expect(got.add.storage.data[i]).toBe(Math.fround(v + c));
      expect(got.sub.storage.data[i]).toBe(Math.fround(c - v));
      expect(got.mul.storage.data[i]).toBe(Math.fround(v * v));
    }
  });
});

describe('geluWithGradWasm', () => {
  // Float64 references; outside |x| < 6 the wrapper recomputes with these very formulas.
  const exactY = (v: number) => v * normalCdfExact(v);
  /** Worst relative error of gelu and absolute error of gelu′ over the inputs inside |x| < 6. */
  const worst = (x: Float32Array, xo: number, y: Float32Array, d: Float32Array) => {
    let [wy, wd] = [0, 0];
    for (let i = 0; i < y.length; i++) {
      const v = x[xo + i]!;
      if (!(Math.abs(v) < 6)) continue;
      const ey = exactY(v);
      // Products that are subnormal in float32 are exact only to 1.4e-45.
      wy = Math.max(wy, Math.abs(y[i]! - ey) / Math.max(Math.abs(ey), 1e-37));
      wd = Math.max(wd, Math.abs(d[i]! - geluExactGrad(v)));
    }
    return [wy, wd];
  };
  const run = (x: Float32Array, xo: number, n: number) => {
    const [y, d] = [new Float32Array(n), new Float32Array(n)];
    expect(geluWithGradWasm(y, d, x, xo, n)).toBe(true);
    return [y, d] as const;
  };

  test('agrees with the float64 exact GELU over [-10, 10] (dense grid)', () => {
    const n = 200003;
    const x = Float32Array.from({ length: n }, (_, i) => -10 + (20 * i) / (n - 1));
    const [y, d] = run(x, 0, n);
    const [wy, wd] = worst(x, 0, y, d);
    // Relative, tails included (|gelu| down to 6e-9 at x = -6); absolute for gelu′ (zero at -0.75).
    expect(wy).toBeLessThan(1.6e-6);
    expect(wd).toBeLessThan(2.5e-7);
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      if (Math.abs(v) >= 6) expect([y[i], d[i]]).toEqual([Math.fround(exactY(v)), Math.fround(geluExactGrad(v))]);
    }
  });

  test('random inputs: the left and right tails, near 0, ragged lengths and offsets', () => {
    const uniform = (n: number, lo: number, hi: number) => Float32Array.from({ length: n }, () => lo + (hi - lo) * g.random());
    const cases: [name: string, x: Float32Array, rel: number][] = [
      ['left tail [-6, -1]', uniform(4099, -6, -1), 1.6e-6],
      ['right tail [1, 6]', uniform(4097, 1, 6), 3e-7],
      ['centre [-2, 2]', uniform(1030, -2, 2), 6e-7],
      ['near 0', Float32Array.from(uniform(1029, -1, 1), (v) => v * 10 ** -g.integer(1, 31)), 6e-7],
      ['normal(0, 3)', random(GELU_WASM_MIN + 3, 3), 1.6e-6],
    ];
    for (const [name, values, rel] of cases) {
      for (const [xo, n] of [[0, values.length], [3, values.length - 3], [1, GELU_WASM_MIN + 1], [2, GELU_WASM_MIN + 2]] as const) {
        const [y, d] = run(values, xo, n);
        const [wy, wd] = worst(values, xo, y, d);
        expect({ name, xo, n, ok: wy < rel && wd < 2.5e-7 }).toEqual({ name, xo, n, ok: true });
      }
    }
  });

  test('±Infinity, NaN, ±0 and |x| ≥ 6 take the exact formulas, wherever they fall in a vector', () => {
    for (const n of [GELU_WASM_MIN, GELU_WASM_MIN + 1, GELU_WASM_MIN + 2, GELU_WASM_MIN + 1001]) {
      const x = random(n + 5, 4);
      x.set(specials, 7);
      x.set([6, -6, 5.9999995, -5.9999995, 40, -40, 7], 20);
      // The last (possibly partial) vector too.
      x.set([NaN, -7, Infinity], n + 2);
      const [y, d] = run(x, 5, n);
      for (let i = 0; i < n; i++) {
        const v = x[5 + i]!;
        if (Number.isNaN(v)) {
          expect([y[i], d[i]]).toEqual([NaN, NaN]);
        } else if (v === 0) {
          expect([Math.abs(y[i]!), d[i]]).toEqual([0, 0.5]);
        } else if (Math.abs(v) >= 6) {
          expect([y[i], d[i]]).toEqual([Math.fround(exactY(v)), Math.fround(geluExactGrad(v))]);
        }
      }
      const [wy, wd] = worst(x, 5, y, d);
      expect(wy).toBeLessThan(1.6e-6);
      expect(wd).toBeLessThan(2.5e-7);
    }
  });

  test('the kernel counts the inputs outside |x| < 6, ignoring the padding lanes', () => {
    const w = elementwiseWasm()!;
    const [at, yAt, gAt] = stage(w, [4096, 4096, 4096]) as [number, number, number];
    const x = Float32Array.from({ length: 1024 }, () => 11.8 * g.random() - 5.9);
    const cases: [n: number, outside: number[]][] = [[1024, []], [1023, [1023]], [1021, [0, 500, 1020, 1021, 1022, 1023]], [13, [3, 12]]];
    for (const [n, outside] of cases) {
      const staged = x.slice();
      for (const i of outside) staged[i] = [NaN, 6, -Infinity, -6.5][i % 4]!;
      w.f32.set(staged, at >> 2);
      const counted = outside.filter((i) => i < n).length;
      expect(w.exports.geluWithGrad(at, yAt, gAt, n)).toBe(counted);
    }
  });

  test('declines below the threshold without writing', () => {
    const y = new Float32Array(4);
    expect(geluWithGradWasm(y, new Float32Array(4), random(4), 0, 4)).toBe(false);
    expect(y).toEqual(new Float32Array(4));
  });
});

describe('copyStridedWasm', () => {
  // dst in row-major order from a plain index walk over the view.
  const gather = (src: Float32Array, off: number, strides: number[], shape: number[]) => {
    const out: number[] = [];
    const walk = (d: number, at: number) => {
      if (d === shape.length) return void out.push(src[at]!);
      for (let i = 0; i < shape[d]!; i++) walk(d + 1, at + i * strides[d]!);
    };
    walk(0, off);
    return Float32Array.from(out);
  };
  // Head split/merge permutes (ragged head widths), a transpose, an inner stride, 2-D to 4-D.
  const cases: [shape: number[], strides: number[]][] = [
    [[4, 4, 64, 16], [4096, 16, 64, 1]],
    [[2, 64, 3, 13], [2496, 13, 832, 1]],
    [[3, 50, 7], [350, 1, 50]],
    [[40, 30], [1, 40]],
    [[5, 300], [600, 2]],
  ];
  for (const [shape, strides] of cases) {
    test(`shape [${shape}] strides [${strides}]`, () => {
      const src = random(5 + 2 * shape.reduce((a, b) => a * b, 1));
      src[9] = NaN;
      src[10] = -Infinity;
      const dst = new Float32Array(3 + shape.reduce((a, b) => a * b, 1));
      expect(copyStridedWasm(src, 5, strides, shape, dst, 3)).toBe(true);
      expect(dst.subarray(3)).toEqual(gather(src, 5, strides, shape));
      expect(Array.from(dst.subarray(0, 3))).toEqual([0, 0, 0]);
    });
  }

  test('declines small, sparse, negative-stride and 5-D views', () => {
    const src = random(100000);
    const dst = new Float32Array(4096);
    expect(copyStridedWasm(src, 0, [1, 8], [8, 8], dst, 0)).toBe(false);
    expect(copyStridedWasm(src, 0, [100, 1], [2000, 2], dst, 0)).toBe(false);
    expect(copyStridedWasm(src, 4000, [-1, 64], [64, 64], dst, 0)).toBe(false);
    expect(copyStridedWasm(src, 0, [2048, 1024, 512, 256, 1], [2, 2, 2, 2, 128], dst, 0)).toBe(false);
  });

  test('core contiguous() of a permuted float32 tensor takes it and keeps the values', () => {
    const x = tensor(random(2 * 64 * 4 * 16), { dtype: 'float32' }).reshape([2, 64, 4, 16]);
    const y = x.permute([0, 2, 1, 3]).contiguous();
    const want = gather(x.storage.data as Float32Array, 0, [4096, 16, 64, 1], [2, 4, 64, 16]);
    expect(y.storage.data).toEqual(want);
  });
});
