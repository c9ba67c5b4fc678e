// Audit of issue 4 semantics on both SDPA implementations, and of MultiHeadSelfAttention's
// head layout, RoPE placement, KV cache and errors, checked against a manual composition.
import { Generator, Tensor, full, grad, ones, randn, tensor, zeros } from '@tsgrad/core';
import * as ops from '@tsgrad/ops';
import { Linear, MultiHeadSelfAttention, rope, scaledDotProductAttention } from '@tsgrad/nn';

const IMPLS = ['fused', 'composite'] as const;
const values = (t: Tensor): number[] => Array.from(t.toTypedArray(), Number);
const leaf = (shape: number[], seed: number, dtype: 'float32' | 'float64' = 'float64') => {
  const t = randn(shape, { dtype, generator: new Generator(seed) });
  t.requiresGrad = true;
  return t;
};
const maxAbsDiff = (a: Tensor, b: Tensor) => Math.max(0, ...values(a).map((v, i) => Math.abs(v - values(b)[i]!)));

describe.each(IMPLS)('scaledDotProductAttention (%s)', (implementation) => {
  test('L = 0 and S = 0 give correctly shaped results and gradients', () => {
    const q0 = leaf([2, 0, 4], 1);
    const k = leaf([2, 3, 4], 2);
    const v = leaf([2, 3, 5], 3);
    const out0 = scaledDotProductAttention(q0, k, v, { implementation });
    expect(out0.shape).toEqual([2, 0, 5]);
    const q = leaf([2, 3, 4], 4);
    const kS = leaf([2, 0, 4], 5);
    const vS = leaf([2, 0, 5], 6);
    const outS = scaledDotProductAttention(q, kS, vS, { implementation });
    expect(outS.shape).toEqual([2, 3, 5]);
    expect(values(outS).every((x) => x === 0)).toBe(true);
    const [gq] = grad(ops.sum(outS), [q]);
    expect(values(gq!).every((x) => x === 0)).toBe(true);
  });

  test.each(['float32', 'float64'] as const)('fully blocked rows (bool mask, -Infinity float mask, causal+mask): zero weights/output/grads, no NaN (%s)', (dtype) => {
    const q = leaf([2, 3, 4], 7, dtype);
    const k = leaf([2, 3, 4], 8, dtype);
    const v = leaf([2, 3, 4], 9, dtype);
    const boolMask = tensor([[false, false, false], [true, true, false], [true, true, true]]);
    const floatMask = ops.where(boolMask, 0, -Infinity);
    floatMask.requiresGrad = false;
    // row 0 of the causal triangle only sees key 0; blocking key 0 empties it
    const causalMask = tensor([[false, true, true], [true, true, true], [true, true, true]]);
    const cases = [
      { attnMask: boolMask },
      { attnMask: ops.cast(floatMask, dtype) },
      { attnMask: causalMask, isCausal: true },
    ];
    for (const opts of cases) {
      const { output, weights } = scaledDotProductAttention(q, k, v, { ...opts, implementation, returnWeights: true });
      const out = values(output);
      expect(out.every(Number.isFinite)).toBe(true);
      expect(out.slice(0, 4)).toEqual([0, 0, 0, 0]); // batch 0, row 0
      expect(values(weights).slice(0, 3)).toEqual([0, 0, 0]);
      const gy = zeros([2, 3, 4], { dtype });
      gy.storage.data.fill(1);
      const grads = grad([output], [q, k, v], { gradOutputs: [gy] });
      for (const g of grads) expect(values(g!).every(Number.isFinite)).toBe(true);
      expect(values(grads[0]!).slice(0, 4)).toEqual([0, 0, 0, 0]); // dq of the blocked row
    }
  });

  test('a float mask with int data is refused; dropoutP outside [0, 1) is refused', () => {
    const qi = tensor([[1, 2]], { dtype: 'int32' });
    expect(() => scaledDotProductAttention(qi, qi, qi, { attnMask: zeros([1, 1]), implementation })).toThrow(/scaledDotProductAttention: query must be float/);
    const q = leaf([1, 2], 1);
    for (const p of [-0.1, 1, 1.5, NaN]) {
      expect(() => scaledDotProductAttention(q, q, q, { dropoutP: p, implementation })).toThrow(/scaledDotProductAttention: dropoutP must lie in \[0, 1\)/);
    }
    const intMask = tensor([[1]], { dtype: 'int32' });
    expect(() => scaledDotProductAttention(q, q, q, { attnMask: intMask, implementation })).toThrow(/attnMask.*int32/);
  });

  test('E mismatch, S mismatch and a mask that does not broadcast are refused naming the shapes', () => {
    const q = leaf([2, 3, 4], 1);
    expect(() => scaledDotProductAttention(q, leaf([2, 3, 5], 2), leaf([2, 3, 4], 3), { implementation })).toThrow(/\[2,3,4\].*\[2,3,5\]/);
    expect(() => scaledDotProductAttention(q, leaf([2, 3, 4], 2), leaf([2, 4, 4], 3), { implementation })).toThrow(/\[2,3,4\].*\[2,4,4\]/);
    expect(() => scaledDotProductAttention(q, q, q, { attnMask: ones([2, 2], { dtype: 'bool' }), implementation })).toThrow(/attnMask.*\[2,2\].*\[2,3,3\]/);
  });

  test('enableGqa equals repeating each key/value head over its query group', () => {
    const q = leaf([2, 4, 3, 4], 11);
    const k = leaf([2, 2, 5, 4], 12);
    const v = leaf([2, 2, 5, 3], 13);
    const out = scaledDotProductAttention(q, k, v, { enableGqa: true, isCausal: true, implementation });
    const rep = (t: Tensor) => ops.repeatInterleave(t, 2, 1); // head h reads kv head floor(h / 2)
    const ref = scaledDotProductAttention(q, rep(k), rep(v), { isCausal: true, implementation: 'composite' });
    expect(maxAbsDiff(out, ref)).toBeLessThan(1e-12);
  });
});

test('fused and composite agree on outputs and gradients: broadcast batch dims, float mask that requires grad, causal, rectangular', () => {
  const q = leaf([2, 1, 3, 4], 21);
  const k = leaf([1, 3, 5, 4], 22);
  const v = leaf([2, 3, 5, 2], 23);
  const mask = leaf([3, 5], 24);
  const run = (implementation: 'fused' | 'composite') => {
    const out = scaledDotProductAttention(q, k, v, { attnMask: mask, isCausal: true, scale: 0.3, implementation });
    return [out, ...grad(ops.sum(ops.mul(out, out)), [q, k, v, mask])] as Tensor[];
  };
  const a = run('fused');
  const b = run('composite');
  a.forEach((t, i) => {
    expect(t.shape).toEqual(b[i]!.shape);
    expect(maxAbsDiff(t, b[i]!)).toBeLessThan(1e-12);
  });
});

describe('MultiHeadSelfAttention', () => {
  // Manual composition: head h reads rows [h·dh, (h+1)·dh) of each projection; RoPE on q, k only.
  function manual(attn: MultiHeadSelfAttention, x: Tensor, theta: number | null): Tensor {
    const [B, T] = x.shape as [number, number];
    const H = attn.numHeads;
    const Hkv = attn.numKvHeads;
    const dh = attn.headDim;
    const heads = (lin: Linear, n: number) => ops.transpose(ops.reshape(lin.forward(x), [B, T, n, dh]), 1, 2);
    let q = heads(attn.qProj, H);
    let k = heads(attn.kProj, Hkv);
    const v = heads(attn.vProj, Hkv);
    const positions = Array.from({ length: T }, (_, t) => t);
    if (theta !== null) {
      q = rope(q, positions, { theta });
      k = rope(k, positions, { theta });
    }
    const rep = (t: Tensor) => (H === Hkv ? t : ops.repeatInterleave(t, H / Hkv, 1));
    const o = scaledDotProductAttention(q, rep(k), rep(v), { isCausal: true, implementation: 'composite' });
    return attn.outProj.forward(ops.reshape(ops.transpose(o, 1, 2), [B, T, attn.dModel]));
  }

  test.each([null, 500])('matches the manual composition (GQA, bias, rope theta %p)', (theta) => {
    const attn = new MultiHeadSelfAttention({
      dModel: 8,
      numHeads: 4,
      numKvHeads: 2,
      bias: true,
      rope: theta === null ? undefined : { theta, maxSeqLen: 16 },
      generator: new Generator(3),
      dtype: 'float64',
    });
    const x = randn([2, 5, 8], { dtype: 'float64', generator: new Generator(4) });
    expect(maxAbsDiff(attn.forward(x), manual(attn, x, theta))).toBeLessThan(1e-12);
  });

  test('returnWeights gives (B, H, T, S) weights, causal, rows summing to 1', () => {
    const attn = new MultiHeadSelfAttention({ dModel: 8, numHeads: 2, dtype: 'float64', generator: new Generator(1) });
    const { output, weights } = attn.forward(randn([3, 4, 8], { dtype: 'float64' }), { returnWeights: true });
    expect(output.shape).toEqual([3, 4, 8]);
    expect(weights.shape).toEqual([3, 2, 4, 4]);
    expect(values(ops.sum(weights, -1)).every((s) => Math.abs(s - 1) < 1e-12)).toBe(true);
    expect(values(ops.triu(weights, 1)).every((w) => w === 0)).toBe(true);
  });

  test('KV-cache decoding in uneven chunks equals the full forward (GQA + RoPE, B = 2)', () => {
    const attn = new MultiHeadSelfAttention({
      dModel: 12,
      numHeads: 6,
      numKvHeads: 2,
      rope: { theta: 10000, maxSeqLen: 32 },
      dtype: 'float64',
      generator: new Generator(9),
    });
    const x = randn([2, 7, 12], { dtype: 'float64', generator: new Generator(10) });
    const full = attn.forward(x);
    const cache = attn.createCache();
    const parts: Tensor[] = [];
    for (const [from, to] of [[0, 3], [3, 4], [4, 7]] as const) parts.push(attn.forward(ops.slice(x, 1, from, to), { kvCache: cache }));
    expect(cache.length).toBe(7);
    expect(maxAbsDiff(ops.cat(parts, 1), full)).toBeLessThan(1e-12);
  });

  test('errors: dModel % numHeads, numHeads % numKvHeads, odd head size with RoPE, wrong rank or last dim, positions beyond maxSeqLen', () => {
    const err = (fn: () => unknown, pattern: RegExp) => expect(fn).toThrow(pattern);
    err(() => new MultiHeadSelfAttention({ dModel: 10, numHeads: 4 }), /MultiHeadSelfAttention: dModel \(10\).*numHeads \(4\)/);
    err(() => new MultiHeadSelfAttention({ dModel: 12, numHeads: 4, numKvHeads: 3 }), /numHeads \(4\).*numKvHeads \(3\)/);
    err(() => new MultiHeadSelfAttention({ dModel: 12, numHeads: 4, rope: { theta: 1e4, maxSeqLen: 8 } }), /even head size.*3/);
    const attn = new MultiHeadSelfAttention({ dModel: 8, numHeads: 2, rope: { theta: 1e4, maxSeqLen: 4 } });
    err(() => attn.forward(zeros([4, 8])), /\(B, T, dModel=8\), got \[4,8\]/);
    err(() => attn.forward(zeros([1, 4, 6])), /\(B, T, dModel=8\), got \[1,4,6\]/);
    err(() => attn.forward(zeros([1, 5, 8])), /position 4 is beyond rope.maxSeqLen 4/);
    err(() => attn.forward(zeros([1, 2, 8]), { positions: [0, 9] }), /position 9/);
  });

  test('dropout on the weights is seeded and off in eval mode', () => {
    const make = () => new MultiHeadSelfAttention({ dModel: 8, numHeads: 2, dropout: 0.5, generator: new Generator(5), dtype: 'float64' });
    const x = full([1, 6, 8], 0.5, { dtype: 'float64' });
    const a = make();
    const b = make();
    expect(values(a.forward(x))).toEqual(values(b.forward(x)));
    a.eval();
    const e1 = values(a.forward(x));
    expect(values(a.forward(x))).toEqual(e1);
  });
});
