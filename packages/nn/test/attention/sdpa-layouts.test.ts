import { Generator, Tensor, clone, expand, grad, narrow, randn, squeeze, transpose, type DType } from '@tsgrad/core';
import { scaledDotProductAttention as sdpa } from '../../src/attention/index.js';
import { maxAbsDiff } from './helpers.js';

// The fused path reads q, k, v in place when they are head-split views of a projection (as
// MultiHeadSelfAttention makes them) and lays its output and gradients out in their order, so
// transposing back is free. The numbers must be exactly those of contiguous inputs.

const B = 2;
const T = 24;
const H = 3;
const D = 8;

/** q, k, v as (B, H, T, D) views of one (B, T, 3, H, D) leaf, like a fused QKV projection split by heads. */
function headViews(x: Tensor): [Tensor, Tensor, Tensor] {
  const part = (i: number): Tensor => transpose(squeeze(narrow(x, 2, i, 1), 2), 1, 2);
  return [part(0), part(1), part(2)];
}

function run(q: Tensor, k: Tensor, v: Tensor, dy: Tensor, leaves: Tensor[]): { out: Tensor; grads: Tensor[] } {
  const out = sdpa(q, k, v, { isCausal: true });
  return { out, grads: grad([out], leaves, { gradOutputs: [dy] }) };
}

describe.each(['float32', 'float64'] as DType[])('fused attention on head-split views (%s)', (dtype) => {
  const x = randn([B, T, 3, H, D], { dtype, generator: new Generator(4), requiresGrad: true });
  const dy = randn([B, H, T, D], { dtype, generator: new Generator(5) });

  test('gives exactly the output and gradients of contiguous inputs', () => {
    const [q, k, v] = headViews(x);
    expect(q.isContiguous()).toBe(false);
    const strided = run(q, k, v, dy, [x]);
    const dense = [q, k, v].map((t) => clone(t).detach().requiresGrad_());
    const reference = run(dense[0]!, dense[1]!, dense[2]!, dy, dense);
    expect(maxAbsDiff(strided.out, reference.out)).toBe(0);
    const [gq, gk, gv] = headViews(strided.grads[0]!);
    expect(maxAbsDiff(gq!, reference.grads[0]!)).toBe(0);
    expect(maxAbsDiff(gk!, reference.grads[1]!)).toBe(0);
    expect(maxAbsDiff(gv!, reference.grads[2]!)).toBe(0);
  });

  test('the output follows the query layout: transposed back it is contiguous', () => {
    const [q, k, v] = headViews(x);
    const out = sdpa(q, k, v, { isCausal: true });
    expect(out.shape).toEqual([B, H, T, D]);
    expect(transpose(out, 1, 2).isContiguous()).toBe(true);
    const plain = sdpa(clone(q), clone(k), clone(v), { isCausal: true });
    expect(plain.isContiguous()).toBe(true);
  });

  test('gradients of head-split views come back in the views\' order', () => {
    const [q, k, v] = headViews(x.detach());
    const leaves = [q, k, v].map((t) => t.detach().requiresGrad_());
    const { grads } = run(leaves[0]!, leaves[1]!, leaves[2]!, dy, leaves);
    for (const g of grads) expect(transpose(g, 1, 2).isContiguous()).toBe(true);
  });

  test('broadcast keys and values (expanded batch) still match contiguous copies', () => {
    const [q] = headViews(x.detach());
    const k = randn([1, H, T, D], { dtype, generator: new Generator(6) });
    const v = randn([1, H, T, D], { dtype, generator: new Generator(7) });
    const out = sdpa(q, expand(k, [B, H, T, D]), expand(v, [B, H, T, D]), { isCausal: true });
    const want = sdpa(clone(q), clone(expand(k, [B, H, T, D])), clone(expand(v, [B, H, T, D])), { isCausal: true });
    expect(maxAbsDiff(out, want)).toBe(0);
  });
});
