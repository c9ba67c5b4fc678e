import { gemm, gemmBackend, gemmReference, initGemm } from '../../src/kernels/gemm.js';
import type { FloatArray, GemmArgs } from '../../src/kernels/gemm.js';
import { makeCase, relativeError, standardCases } from './gemm-fixtures.js';

function rowMajor<T extends FloatArray>(m: number, n: number, k: number, a: T, b: T, c: T): GemmArgs<T> {
  return { m, n, k, a, aRowStride: k, aColStride: 1, b, bRowStride: n, bColStride: 1, c, cRowStride: n };
}

describe('gemmReference', () => {
  it('computes a hand-checked product, with alpha and accumulate', () => {
    const a = new Float64Array([1, 2, 3, 4, 5, 6]); // [[1,2,3],[4,5,6]]
    const b = new Float64Array([7, 8, 9, 10, 11, 12]); // [[7,8],[9,10],[11,12]]
    const c = new Float64Array(4);
    gemmReference(rowMajor(2, 2, 3, a, b, c));
    expect(Array.from(c)).toEqual([58, 64, 139, 154]);
    gemmReference({ ...rowMajor(2, 2, 3, a, b, c), alpha: 0.5, accumulate: true });
    expect(Array.from(c)).toEqual([87, 96, 208.5, 231]);
  });

  it('reads transposed operands through strides', () => {
    const at = new Float32Array([1, 4, 2, 5, 3, 6]); // A stored column-major
    const bt = new Float32Array([7, 9, 11, 8, 10, 12]); // B stored column-major
    const c = new Float32Array(4);
    gemmReference({ m: 2, n: 2, k: 3, a: at, aRowStride: 1, aColStride: 2, b: bt, bRowStride: 1, bColStride: 3, c, cRowStride: 2 });
    expect(Array.from(c)).toEqual([58, 64, 139, 154]);
  });
});

describe('gemm', () => {
  for (const [name, spec] of standardCases(1)) {
    it(`float32 matches the reference: ${name}`, () => {
      expect(relativeError(gemm, makeCase(Float32Array, 11, spec))).toBeLessThan(1e-5);
    });
  }
  for (const [name, spec] of standardCases(2).slice(0, 12)) {
    it(`float64 matches the reference: ${name}`, () => {
      expect(relativeError(gemm, makeCase(Float64Array, 12, spec))).toBeLessThan(1e-12);
    });
  }

  it('k = 0 zeroes C, or leaves it unchanged with accumulate', () => {
    for (const Arr of [Float32Array, Float64Array]) {
      const c = new Arr([1, 2, 3, 4, 5, 6]);
      gemm({ ...rowMajor(2, 2, 0, new Arr(0), new Arr(0), c), cRowStride: 3, accumulate: true });
      expect(Array.from(c)).toEqual([1, 2, 3, 4, 5, 6]);
      gemm({ ...rowMajor(2, 2, 0, new Arr(0), new Arr(0), c), cRowStride: 3 });
      expect(Array.from(c)).toEqual([0, 0, 3, 0, 0, 6]);
    }
  });

  it('m = 0 or n = 0 writes nothing', () => {
    const c = new Float32Array([9, 9]);
    gemm(rowMajor(0, 2, 3, new Float32Array(6), new Float32Array(6), c));
    gemm(rowMajor(2, 0, 3, new Float32Array(6), new Float32Array(6), c));
    expect(Array.from(c)).toEqual([9, 9]);
  });

  it('equal C offsets with accumulate sum the products over the batch', () => {
    const args = makeCase(Float32Array, 5, { m: 40, n: 24, k: 33, batch: 3, accumulate: true });
    args.cOffsets = [7, 7, 7];
    expect(relativeError(gemm, args)).toBeLessThan(1e-5);
  });

  it('gathers operands that are narrow slices of wide matrices, including C', () => {
    for (const accumulate of [false, true]) {
      const args = makeCase(Float32Array, 6, { m: 30, n: 20, k: 12, accumulate });
      const wideA = new Float32Array(30 * 5000).map((_, i) => Math.sin(i));
      const stridedB = new Float32Array(12 * 1200).map((_, i) => Math.cos(i));
      const wideC = new Float32Array(30 * 4000).map((_, i) => Math.sin(3 * i));
      const sliced = {
        ...args,
        a: wideA, aRowStride: 5000, aOffsets: [17],
        b: stridedB, bRowStride: 1200, bColStride: 3, bOffsets: [1],
        c: wideC, cRowStride: 4000, cOffsets: [2],
      };
      expect(relativeError(gemm, sliced)).toBeLessThan(1e-5);
    }
  });

  it('rejects bad arguments with errors naming gemm and the values', () => {
    const a = new Float32Array(6);
    const ok = rowMajor(2, 2, 3, a, new Float32Array(6), new Float32Array(4));
    expect(() => gemm({ ...ok, m: -1 })).toThrow('gemm: sizes must be non-negative integers, got m=-1 n=2 k=3 batch=1');
    expect(() => gemm({ ...ok, k: 2.5 })).toThrow(/gemm: sizes .* k=2.5/);
    expect(() => gemm({ ...ok, aColStride: -1 })).toThrow(/gemm: strides must be non-negative integers, got a \[3,-1\]/);
    expect(() => gemm({ ...ok, aOffsets: [1] })).toThrow(
      'gemm: a item 0 out of range: offset 1 + extent 5 for a [2,3] view with strides [3,1] in an array of length 6');
    expect(() => gemm({ ...ok, cOffsets: [-1] })).toThrow(/gemm: c item 0 out of range: offset -1/);
    expect(() => gemm({ ...ok, batch: 2, bOffsets: [0] })).toThrow('gemm: bOffsets has 1 entries, batch is 2');
    expect(() => gemm({ ...ok, cRowStride: 1 })).toThrow('gemm: cRowStride 1 < n 2 would overlap the rows of C');
    const mixed = { ...ok, b: new Float64Array(6) } as unknown as GemmArgs<Float32Array>;
    expect(() => gemm(mixed)).toThrow('gemm: a, b and c must share one array type, got Float32Array, Float64Array, Float32Array');
  });

  it('reports a WebAssembly backend in Node and keeps it after initGemm', async () => {
    expect(['wasm-simd', 'wasm-relaxed-simd']).toContain(gemmBackend());
    await expect(initGemm()).resolves.toBe(gemmBackend());
  });
});
