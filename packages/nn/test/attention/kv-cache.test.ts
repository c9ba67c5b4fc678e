import { Generator, noGrad, slice, type Tensor } from '@tsgrad/core';
import { cat } from '@tsgrad/ops';
import { KVCache, MultiHeadSelfAttention, type MultiHeadSelfAttentionOptions } from '../../src/attention/index.js';
import { leaf, maxAbsDiff } from './helpers.js';

const build = (opts: Partial<MultiHeadSelfAttentionOptions>) =>
  new MultiHeadSelfAttention({ dModel: 8, numHeads: 2, dtype: 'float64', generator: new Generator(1), ...opts });

/** Runs x (B, T, d) through `attn` in chunks of the given sizes, with one cache. */
function decode(attn: MultiHeadSelfAttention, x: Tensor, chunks: number[]): Tensor {
  const cache = attn.createCache();
  const outs: Tensor[] = [];
  let t = 0;
  for (const n of chunks) {
    outs.push(attn.forward(slice(x, 1, t, t + n), { kvCache: cache }));
    t += n;
  }
  expect(cache.length).toBe(x.shape[1]);
  return cat(outs, 1);
}

describe('KV-cache decoding', () => {
  test.each([
    ['plain', {}],
    ['RoPE', { rope: { theta: 10000, maxSeqLen: 16 } }],
    ['GQA + RoPE + bias', { numHeads: 4, numKvHeads: 2, bias: true, rope: { theta: 100, maxSeqLen: 16 } }],
    ['multi-query', { numHeads: 4, numKvHeads: 1 }],
  ])('token by token equals the full causal forward (%s)', (_, opts) => {
    const attn = build(opts);
    const x = leaf([2, 7, 8], 2, false);
    noGrad(() => {
      const full = attn.forward(x);
      expect(maxAbsDiff(decode(attn, x, [1, 1, 1, 1, 1, 1, 1]), full)).toBeLessThan(1e-12);
      expect(maxAbsDiff(decode(attn, x, [3, 2, 1, 1]), full)).toBeLessThan(1e-12);
    });
  });

  test('with gradients: the decoded outputs backpropagate like the full forward', () => {
    const attn = build({ rope: { theta: 10000, maxSeqLen: 8 } });
    const x = leaf([1, 4, 8], 3);
    attn.forward(x).sum().backward();
    const full = x.grad!.clone();
    x.grad = null;
    decode(attn, x, [2, 1, 1]).sum().backward();
    expect(maxAbsDiff(x.grad!, full)).toBeLessThan(1e-12);
  });

  test('weights while decoding cover every cached key', () => {
    const attn = build({});
    const x = leaf([1, 3, 8], 4, false);
    const cache = new KVCache();
    attn.forward(slice(x, 1, 0, 2), { kvCache: cache });
    const { weights } = attn.forward(slice(x, 1, 2, 3), { kvCache: cache, returnWeights: true });
    expect(weights.shape).toEqual([1, 2, 1, 3]);
    const full = attn.forward(x, { returnWeights: true }).weights;
    expect(maxAbsDiff(weights, slice(full, 2, 2, 3))).toBeLessThan(1e-12);
  });

  test('the cache refuses keys that do not match it; reset empties it', () => {
    const cache = new KVCache();
    cache.append(leaf([1, 2, 3, 4], 5, false), leaf([1, 2, 3, 4], 6, false));
    expect(cache.length).toBe(3);
    expect(() => cache.append(leaf([1, 3, 1, 4], 7, false), leaf([1, 3, 1, 4], 8, false))).toThrow(
      /KVCache.append: key \[1,3,1,4\] and value \[1,3,1,4\] do not match the cached key \[1,2,3,4\]/,
    );
    expect(() => cache.append(leaf([1, 2, 1, 4], 7, false), leaf([1, 2, 2, 4], 8, false))).toThrow(/same T/);
    cache.reset();
    expect(cache.length).toBe(0);
    expect(cache.key).toBeNull();
  });

  test('positions past maxSeqLen are refused while decoding', () => {
    const attn = build({ rope: { theta: 10000, maxSeqLen: 3 } });
    const cache = attn.createCache();
    noGrad(() => attn.forward(leaf([1, 3, 8], 9, false), { kvCache: cache }));
    expect(() => attn.forward(leaf([1, 1, 8], 10, false), { kvCache: cache })).toThrow(/position 3 is beyond rope.maxSeqLen 3/);
  });
});
