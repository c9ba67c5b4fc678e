import { ArgumentError, DTypeError, ShapeError, Tensor, mul, sum, tensor } from '@tsgrad/core';
import { gradcheck, gradgradcheck } from '../../src/gradcheck/index.js';
import { rope, ropeTables } from '../../src/attention/index.js';
import { leaf, maxAbsDiff } from './helpers.js';

const int32 = (data: number[], shape: number[]) => Tensor.fromData(Int32Array.from(data), shape);

describe('rope', () => {
  test('rotates interleaved pairs by pos · theta^(-2i/d)', () => {
    const x = tensor([[1, 0, 0, 1], [1, 0, 0, 1]], { dtype: 'float64' });
    const y = rope(x, [0, 1], { theta: 100 });
    // Position 0 is the identity; at position 1 pair 0 turns by 1 rad, pair 1 by 100^(-1/2) = 0.1.
    const expected = [[1, 0, 0, 1], [Math.cos(1), Math.sin(1), -Math.sin(0.1), Math.cos(0.1)]];
    expect(maxAbsDiff(y, tensor(expected, { dtype: 'float64' }))).toBeLessThan(1e-15);
  });

  test('preserves norms, and dot products depend only on the position offset', () => {
    const q = leaf([1, 8], 1, false);
    const k = leaf([1, 8], 2, false);
    const at = (x: Tensor, p: number) => rope(x, [p], { theta: 10000 });
    expect(Math.abs(sum(mul(at(q, 5), at(q, 5))).item() - sum(mul(q, q)).item())).toBeLessThan(1e-12);
    const dot = (m: number, n: number) => sum(mul(at(q, m), at(k, n))).item();
    expect(Math.abs(dot(7, 3) - dot(4, 0))).toBeLessThan(1e-12);
    expect(Math.abs(dot(7, 3) - dot(3, 7))).toBeGreaterThan(1e-3);
  });

  test('positions may be an int32 tensor broadcast over leading dims', () => {
    const x = leaf([2, 3, 4, 6], 3, false); // (B, H, T, d)
    const perBatch = rope(x, int32([0, 1, 2, 3, 5, 6, 7, 8], [2, 1, 4]), { theta: 500 });
    const first = rope(x.slice(0, 0, 1), [0, 1, 2, 3], { theta: 500 });
    const second = rope(x.slice(0, 1, 2), [5, 6, 7, 8], { theta: 500 });
    expect(maxAbsDiff(perBatch.slice(0, 0, 1), first)).toBe(0);
    expect(maxAbsDiff(perBatch.slice(0, 1, 2), second)).toBe(0);
    expect(maxAbsDiff(rope(x, int32([0, 1, 2, 3], [4])), rope(x, [0, 1, 2, 3]))).toBe(0);
  });

  test('float32 input gives float32 output close to float64', () => {
    const x = leaf([3, 4], 4, false);
    const y32 = rope(x.to('float32'), [2, 9, 30]);
    expect(y32.dtype).toBe('float32');
    expect(maxAbsDiff(y32, rope(x, [2, 9, 30]))).toBeLessThan(1e-6);
  });

  test('gradcheck and gradgradcheck (the backward rotates back)', () => {
    const x = leaf([2, 3, 4], 5);
    const fn = (t: Tensor) => rope(t, [1, 4, 9], { theta: 10 });
    expect(gradcheck(fn, [x]).passed).toBe(true);
    expect(gradgradcheck(fn, [x]).passed).toBe(true);
  });

  test('tables are cached per (theta, d, maxSeqLen)', () => {
    const a = ropeTables(10000, 8, 16);
    expect(ropeTables(10000, 8, 16)).toBe(a);
    expect(ropeTables(10000, 8, 32)).not.toBe(a);
    expect(a.cos[1 * 4 + 1]).toBeCloseTo(Math.cos(Math.pow(10000, -2 / 8)), 15);
  });

  test('errors', () => {
    const x = leaf([3, 4], 6, false);
    expect(() => rope(leaf([3, 5], 7, false), [0, 1, 2])).toThrow(ShapeError);
    expect(() => rope(leaf([3, 5], 7, false), [0, 1, 2])).toThrow(/last dim of x must be even/);
    expect(() => rope(x, [0, 1])).toThrow(/positions of shape \[2\] do not broadcast to x's shape without its last dim \[3\]/);
    expect(() => rope(x, tensor([0, 1, 2], { dtype: 'float32' }))).toThrow(DTypeError);
    expect(() => rope(x, [0, -1, 2])).toThrow(/non-negative integers, got -1 at index 1/);
    expect(() => rope(x, [0, 1.5, 2])).toThrow(ArgumentError);
    expect(() => rope(x, [0, 1, 16], { maxSeqLen: 16 })).toThrow(/position 16 is beyond maxSeqLen 16/);
    expect(() => rope(x.to('int32'), [0, 1, 2])).toThrow(/x must be float32 or float64, got int32/);
  });
});
