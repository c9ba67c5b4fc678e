import { ArgumentError, DTypeError, ShapeError, Tensor, eye, ones, reshape, tensor, zeros } from '@tsgrad/core';
import { scaledDotProductAttention as sdpa } from '../../src/attention/index.js';
import { IMPLEMENTATIONS, boolMask, leaf, maxAbsDiff } from './helpers.js';

const f64 = (data: number[][]) => tensor(data, { dtype: 'float64' });
const X = () => f64([[1, 0, 1, 0], [0, 1, 0, 1], [1, 1, 0, 0]]);

describe.each(IMPLEMENTATIONS)('scaledDotProductAttention (%s): worked examples', (implementation) => {
  test('Q = K = V = X', () => {
    const { output, weights } = sdpa(X(), X(), X(), { returnWeights: true, implementation });
    const w = [[0.50648039, 0.18632372, 0.30719589], [0.18632372, 0.50648039, 0.30719589], [0.27406862, 0.27406862, 0.45186276]];
    const o = [
      [0.81367628, 0.49351961, 0.50648039, 0.18632372],
      [0.49351961, 0.81367628, 0.18632372, 0.50648039],
      [0.72593138, 0.72593138, 0.27406862, 0.27406862],
    ];
    expect(maxAbsDiff(weights, f64(w))).toBeLessThan(5e-9);
    expect(maxAbsDiff(output, f64(o))).toBeLessThan(5e-9);
    expect(maxAbsDiff(sdpa(X(), X(), X(), { implementation }), f64(o))).toBeLessThan(5e-9);
  });

  test('Q = K = eye(3), V = [[1,0],[0,1],[1,1]]', () => {
    const I = eye(3, 3, { dtype: 'float64' });
    const { output, weights } = sdpa(I, I, f64([[1, 0], [0, 1], [1, 1]]), { returnWeights: true, implementation });
    expect(maxAbsDiff((weights.toArray() as number[][])[0]!, [0.47108308, 0.26445846, 0.26445846])).toBeLessThan(5e-9);
    expect(maxAbsDiff(output, f64([[0.73554154, 0.52891692], [0.52891692, 0.73554154], [0.73554154, 0.73554154]]))).toBeLessThan(5e-9);
  });

  test('equal scores average the values; a mask restricts the average', () => {
    expect(sdpa(f64([[0, 0]]), f64([[0, 0], [0, 0]]), f64([[1, 0], [0, 1]]), { implementation }).toArray()).toEqual([[0.5, 0.5]]);
    const mask = boolMask([[true, false], [true, true]]);
    const out = sdpa(f64([[0], [0]]), f64([[0], [0]]), f64([[10], [20]]), { attnMask: mask, implementation });
    expect(out.toArray()).toEqual([[10], [15]]);
  });
});

describe.each(IMPLEMENTATIONS)('scaledDotProductAttention (%s): properties', (implementation) => {
  const q = () => leaf([2, 3, 5, 4], 1, false);
  const k = () => leaf([2, 3, 6, 4], 2, false);
  const v = () => leaf([2, 3, 6, 3], 3, false);

  test('an all-true mask equals no mask; weight rows sum to 1', () => {
    const plain = sdpa(q(), k(), v(), { returnWeights: true, implementation });
    const masked = sdpa(q(), k(), v(), { attnMask: ones([5, 6], { dtype: 'bool' }), returnWeights: true, implementation });
    expect(maxAbsDiff(plain.output, masked.output)).toBe(0);
    expect(maxAbsDiff(plain.weights, masked.weights)).toBe(0);
    const sums = (plain.weights.sum(-1).toTypedArray() as Float64Array);
    for (const s of sums) expect(Math.abs(s - 1)).toBeLessThan(1e-12);
  });

  test('masked positions and causal weights above the diagonal are exactly 0', () => {
    const rows = [[true, false, true, true, false, true], [false, true, true, false, true, true], [true, true, false, true, true, false], [true, false, false, false, true, true], [false, false, true, true, true, true]];
    const { weights } = sdpa(q(), k(), v(), { attnMask: boolMask(rows), returnWeights: true, implementation });
    const w = weights.toArray() as number[][][][];
    for (const b of w) for (const h of b) h.forEach((row, i) => row.forEach((x, j) => (rows[i]![j] ? expect(x).toBeGreaterThan(0) : expect(x).toBe(0))));
    const causal = sdpa(q(), k(), v(), { isCausal: true, returnWeights: true, implementation }).weights.toArray() as number[][][][];
    for (const b of causal) for (const h of b) h.forEach((row, i) => row.forEach((x, j) => (j > i ? expect(x).toBe(0) : expect(x).toBeGreaterThan(0))));
  });

  test('scores are scaled by sqrt(E), not E', () => {
    // E = 4: score of key 0 is 2·1/√4 = 1, of key 1 is 0.
    const { weights } = sdpa(f64([[2, 0, 0, 0]]), f64([[1, 0, 0, 0], [0, 0, 0, 0]]), f64([[1], [0]]), { returnWeights: true, implementation });
    const e = Math.E;
    expect(maxAbsDiff(weights, f64([[e / (e + 1), 1 / (e + 1)]]))).toBeLessThan(1e-15);
    const custom = sdpa(f64([[2, 0, 0, 0]]), f64([[1, 0, 0, 0], [0, 0, 0, 0]]), f64([[1], [0]]), { scale: 0, returnWeights: true, implementation });
    expect(custom.weights.toArray()).toEqual([[0.5, 0.5]]);
  });

  test('3-D inputs with a (4,12,16) mask equal the same data reshaped to 4-D', () => {
    const q3 = leaf([4, 12, 64], 4, false);
    const k3 = leaf([4, 16, 64], 5, false);
    const v3 = leaf([4, 16, 64], 6, false);
    const maskData = Uint8Array.from({ length: 4 * 12 * 16 }, (_, i) => ((i * 7919) % 5 === 0 ? 0 : 1));
    const m3 = Tensor.fromData(maskData, [4, 12, 16]);
    const out3 = sdpa(q3, k3, v3, { attnMask: m3, implementation });
    const to4 = (t: Tensor) => reshape(t, [2, 2, ...t.shape.slice(1)]);
    const out4 = sdpa(to4(q3), to4(k3), to4(v3), { attnMask: to4(m3), implementation });
    expect(out4.shape).toEqual([2, 2, 12, 64]);
    expect(maxAbsDiff(reshape(out4, [4, 12, 64]), out3)).toBe(0);
  });

  test('a fully blocked row gets zero weights, zero output and zero gradients', () => {
    const [qq, kk, vv] = [leaf([2, 3, 4], 7), leaf([2, 5, 4], 8), leaf([2, 5, 2], 9)];
    const mask = boolMask([[true, false, true, false, true], [false, false, false, false, false], [true, true, true, true, true]]);
    const { output, weights } = sdpa(qq, kk, vv, { attnMask: mask, isCausal: true, returnWeights: true, implementation });
    const w = weights.toArray() as number[][][];
    const o = output.toArray() as number[][][];
    for (let b = 0; b < 2; b++) {
      expect(w[b]![1]).toEqual([0, 0, 0, 0, 0]);
      expect(o[b]![1]).toEqual([0, 0]);
    }
    output.backward(ones(output.shape, { dtype: 'float64' }));
    const dq = qq.grad!.toArray() as number[][][];
    for (let b = 0; b < 2; b++) expect(dq[b]![1]).toEqual([0, 0, 0, 0]);
    for (const g of [qq.grad!, kk.grad!, vv.grad!]) expect([...g.toTypedArray()].every(Number.isFinite)).toBe(true);
    // A float mask of -Infinity blocks the same way.
    const floatMask = tensor([[0, -Infinity], [-Infinity, -Infinity]], { dtype: 'float64' });
    const out = sdpa(f64([[1], [2]]), f64([[1], [3]]), f64([[5], [7]]), { attnMask: floatMask, implementation });
    expect(out.toArray()).toEqual([[5], [0]]);
  });

  test('L = 0 and S = 0 give correctly shaped results', () => {
    const emptyQ = sdpa(zeros([2, 0, 4], { dtype: 'float64' }), leaf([2, 3, 4], 1, false), leaf([2, 3, 5], 2, false), { implementation });
    expect(emptyQ.shape).toEqual([2, 0, 5]);
    const q0 = leaf([2, 3, 4], 3);
    const { output, weights } = sdpa(q0, zeros([2, 0, 4], { dtype: 'float64' }), zeros([2, 0, 5], { dtype: 'float64' }), {
      returnWeights: true,
      implementation,
    });
    expect(output.shape).toEqual([2, 3, 5]);
    expect([...output.toTypedArray()].every((x) => x === 0)).toBe(true);
    expect(weights.shape).toEqual([2, 3, 0]);
    output.backward(ones([2, 3, 5], { dtype: 'float64' }));
    expect([...q0.grad!.toTypedArray()].every((x) => x === 0)).toBe(true);
  });

  test('float32 inputs work and agree with float64', () => {
    const [q64, k64, v64] = [q(), k(), v()];
    const out32 = sdpa(q64.to('float32'), k64.to('float32'), v64.to('float32'), { isCausal: true, implementation });
    expect(out32.dtype).toBe('float32');
    expect(maxAbsDiff(out32, sdpa(q64, k64, v64, { isCausal: true, implementation }))).toBeLessThan(1e-5);
  });
});

test('the fused implementation records one graph node over q, k, v; composite records many', () => {
  const [q, k, v] = [leaf([2, 3, 4], 1), leaf([2, 5, 4], 2), leaf([2, 5, 3], 3)];
  const fused = sdpa(q, k, v, { isCausal: true });
  expect(fused.gradFn!.name).toBe('scaledDotProductAttention');
  [q, k, v].forEach((t, i) => expect(fused.gradFn!.inputs[i]).toBe(t));
  const composite = sdpa(q, k, v, { isCausal: true, implementation: 'composite' });
  expect(composite.gradFn!.name).toBe('matmul');
});

describe('scaledDotProductAttention: errors', () => {
  const q = leaf([2, 3, 4], 1, false);
  const k = leaf([2, 5, 4], 2, false);
  const v = leaf([2, 5, 6], 3, false);
  test.each([
    ['E differs', () => sdpa(q, leaf([2, 5, 3], 4, false), v), ShapeError, /query and key must have the same feature size E \(last dim\), got query \[2,3,4\] and key \[2,5,3\]/],
    ['S differs', () => sdpa(q, k, leaf([2, 6, 6], 5, false)), ShapeError, /key and value must have the same length S \(dim -2\), got key \[2,5,4\] and value \[2,6,6\]/],
    ['mask does not broadcast', () => sdpa(q, k, v, { attnMask: ones([4, 5], { dtype: 'bool' }) }), ShapeError, /attnMask of shape \[4,5\] does not broadcast to the scores' shape \[2,3,5\]/],
    ['int data', () => sdpa(q.to('int32'), k, v), DTypeError, /query must be float32 or float64, got int32/],
    ['int mask', () => sdpa(q, k, v, { attnMask: ones([3, 5], { dtype: 'int32' }) }), DTypeError, /attnMask must be bool .* or float .*, got int32/],
    ['mixed dtypes', () => sdpa(q, k.to('float32'), v), DTypeError, /same dtype, got float64, float32 and float64/],
    ['dropoutP = 1', () => sdpa(q, k, v, { dropoutP: 1 }), ArgumentError, /dropoutP must lie in \[0, 1\), got 1/],
    ['dropoutP < 0', () => sdpa(q, k, v, { dropoutP: -0.1 }), ArgumentError, /dropoutP must lie in \[0, 1\), got -0.1/],
    ['batch dims', () => sdpa(q, leaf([3, 5, 4], 6, false), v), ShapeError, /batch dims do not broadcast: query \[2,3,4\], key \[3,5,4\], value \[2,5,6\]/],
    ['GQA heads', () => sdpa(leaf([1, 3, 2, 4], 7, false), leaf([1, 2, 5, 4], 8, false), leaf([1, 2, 5, 4], 9, false), { enableGqa: true }), ShapeError, /query heads \(3\) must be a multiple of key\/value heads \(2\)/],
    ['heads without GQA', () => sdpa(leaf([1, 4, 2, 4], 7, false), leaf([1, 2, 5, 4], 8, false), leaf([1, 2, 5, 4], 9, false)), ShapeError, /pass enableGqa: true/],
    ['implementation', () => sdpa(q, k, v, { implementation: 'flash' as 'fused' }), ArgumentError, /implementation must be 'fused' or 'composite', got 'flash'/],
  ])('%s', (_, call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });
});
