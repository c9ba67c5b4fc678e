import { Generator, copyStrided, randn } from '@tsgrad/core';
import { indexAddRows, indexSelectRows } from '../../src/kernels/index-select.js';
import { BLOCK_COPY_MIN, copyInto } from '../../src/kernels/strided-copy.js';
import { maskTriangle } from '../../src/kernels/triangular.js';

const g = new Generator(9);
const floats = (n: number) => Float64Array.from({ length: n }, () => g.normal());

describe('indexSelectRows / indexAddRows against per-element loops', () => {
  test('random (outer, size, inner) including ragged rows below and above the block-copy size', () => {
    for (const [outer, size, inner] of [[1, 5, 3], [3, 4, BLOCK_COPY_MIN + 5], [2, 7, 1], [1, 9, 2 * BLOCK_COPY_MIN], [4, 3, 0]] as const) {
      const count = g.integer(0, 12);
      const index = Int32Array.from({ length: count }, () => g.integer(0, size));
      const x = floats(3 + outer * size * inner); // offset 3: the kernels honour xOffset
      const out = new Float64Array(outer * count * inner);
      indexSelectRows(out, x, 3, outer, size, inner, index, 0, count);
      const acc = new Float64Array(outer * size * inner);
      const src = floats(out.length);
      indexAddRows(acc, src, 0, outer, size, inner, index, 0, count);
      const expectedAcc = new Float64Array(acc.length);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < count; i++) {
          for (let j = 0; j < inner; j++) {
            const at = (o * size + index[i]!) * inner + j;
            expect(out[(o * count + i) * inner + j]).toBe(x[3 + at]);
            expectedAcc[at] += src[(o * count + i) * inner + j]!;
          }
        }
      }
      acc.forEach((v, i) => expect(v).toBeCloseTo(expectedAcc[i]!, 12));
    }
  });
});

describe('copyInto against copyStrided', () => {
  test('strided sources into a strided destination block, float32 widening into float64', () => {
    for (const shape of [[3, 4], [2, 3, BLOCK_COPY_MIN + 1], [5], [1, 1, 7], [2, 0, 3]]) {
      const src = randn([...shape].reverse(), { dtype: 'float32', generator: g }).permute(shape.map((_, i) => shape.length - 1 - i));
      // Destination: the block at offset 2 of a buffer whose last dim is 3 elements wider.
      const wide = [...shape];
      wide[wide.length - 1]! += 3;
      const strides = wide.map((_, d) => wide.slice(d + 1).reduce((a, b) => a * b, 1));
      const dst = new Float64Array(wide.reduce((a, b) => a * b, 1));
      copyInto(dst, 2, strides, src.storage.data, src.offset, src.strides, shape);
      const expected = new Float32Array(shape.reduce((a, b) => a * b, 1));
      copyStrided(src.storage.data, src.offset, src.strides, shape, expected);
      const got = new Float64Array(expected.length);
      copyStrided(dst, 2, strides, shape, got);
      expect(Array.from(got)).toEqual(Array.from(expected));
    }
  });
});

describe('maskTriangle against the (i, j) rule', () => {
  test('every diagonal from far below to far above, ragged matrices', () => {
    for (const [rows, cols] of [[3, 5], [5, 3], [1, 4], [4, 1], [0, 3]] as const) {
      for (let diagonal = -6; diagonal <= 6; diagonal++) {
        for (const upper of [true, false]) {
          const data = Float64Array.from({ length: 2 * rows * cols }, () => 1);
          maskTriangle(data, 2, rows, cols, diagonal, upper);
          data.forEach((v, at) => {
            const i = Math.floor(at / cols) % rows;
            const j = at % cols;
            expect(v).toBe((upper ? j - i >= diagonal : j - i <= diagonal) ? 1 : 0);
          });
        }
      }
    }
  });
});
