import { ArgumentError, Generator, ShapeError } from '@tsgrad/core';
import { join } from 'path';
import { MultiHeadSelfAttention, type MultiHeadSelfAttentionOptions } from '../../src/attention/index.js';
import { gradcheck } from '../../src/gradcheck/index.js';
import { NN_FIXTURE_DIR, asFloat64, loadFixture } from '../fixtures/load-fixture.js';
import { boolMask, fromFixture, leaf, maxAbsDiff } from './helpers.js';

const fixture = loadFixture(join(NN_FIXTURE_DIR, 'mhsa.json'));

function build(opts: Partial<MultiHeadSelfAttentionOptions> & { dModel: number; numHeads: number }, seed = 0) {
  return new MultiHeadSelfAttention({ dtype: 'float64', generator: new Generator(seed), ...opts });
}

describe('MultiHeadSelfAttention: PyTorch fixtures', () => {
  test.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const o = c.options as Record<string, unknown>;
    const attn = build({
      dModel: o.dModel as number,
      numHeads: o.numHeads as number,
      numKvHeads: o.numKvHeads as number,
      causal: o.causal as boolean,
      bias: o.bias as boolean,
      ...(o.rope ? { rope: o.rope as { theta: number; maxSeqLen: number } } : {}),
    });
    attn.loadStateDict(Object.fromEntries(Object.entries(c.params).map(([k, t]) => [k, fromFixture(t)])));
    const x = fromFixture(c.inputs.x!, true);
    const out = attn.forward(x, o.positions ? { positions: o.positions as number[] } : {});
    expect(maxAbsDiff(out, fromFixture(asFloat64(c.outputs.output, 'output')))).toBeLessThan(1e-9);
    out.backward(fromFixture(c.cotangent!));
    expect(maxAbsDiff(x.grad!, fromFixture(c.grads.x!))).toBeLessThan(1e-9);
    const params = new Map(attn.namedParameters());
    for (const name of Object.keys(c.params)) {
      expect(maxAbsDiff(params.get(name)!.grad!, fromFixture(c.grads[name]!))).toBeLessThan(1e-9);
    }
  });
});

describe('MultiHeadSelfAttention', () => {
  test('parameters: four Linear projections with [out, in] weights', () => {
    const attn = build({ dModel: 8, numHeads: 4, numKvHeads: 2, bias: true });
    expect(attn.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ['qProj.weight', [8, 8]],
      ['qProj.bias', [8]],
      ['kProj.weight', [4, 8]],
      ['kProj.bias', [4]],
      ['vProj.weight', [4, 8]],
      ['vProj.bias', [4]],
      ['outProj.weight', [8, 8]],
      ['outProj.bias', [8]],
    ]);
    const plain = new MultiHeadSelfAttention({ dModel: 8, numHeads: 2 });
    expect(plain.qProj.weight.dtype).toBe('float32');
    expect(plain.qProj.bias).toBeNull();
  });

  test.each([
    ['no RoPE', {}],
    ['RoPE', { rope: { theta: 100, maxSeqLen: 8 } }],
    ['GQA + RoPE + bias', { numHeads: 2, numKvHeads: 1, bias: true, rope: { theta: 10, maxSeqLen: 8 } }],
  ])('gradcheck w.r.t. x and every weight (%s)', (_, extra) => {
    const attn = build({ dModel: 4, numHeads: 2, ...extra }, 3);
    const x = leaf([1, 3, 4], 4);
    const report = gradcheck((input) => attn.forward(input), [x, ...attn.parameters()]);
    expect(report.passed).toBe(true);
    expect(report.inputs).toHaveLength(1 + attn.parameters().length);
  });

  test('returnWeights gives per-head causal weights (B, H, T, S) and the same output', () => {
    const attn = build({ dModel: 8, numHeads: 2 }, 5);
    const x = leaf([2, 4, 8], 6, false);
    const { output, weights } = attn.forward(x, { returnWeights: true });
    expect(weights.shape).toEqual([2, 2, 4, 4]);
    expect(maxAbsDiff(output, attn.forward(x))).toBeLessThan(1e-12);
    const w = weights.toArray() as number[][][][];
    for (const b of w) for (const h of b) h.forEach((row, i) => {
      expect(Math.abs(row.reduce((s, p) => s + p, 0) - 1)).toBeLessThan(1e-12);
      row.forEach((p, j) => j > i && expect(p).toBe(0));
    });
  });

  test('attnMask combines with the causal mask (padding)', () => {
    const attn = build({ dModel: 4, numHeads: 2 }, 7);
    const x = leaf([1, 3, 4], 8, false);
    const pad = boolMask([[true, false, true]]); // key 1 is padding
    const { weights } = attn.forward(x, { attnMask: pad, returnWeights: true });
    const w = weights.toArray() as number[][][][];
    for (const h of w[0]!) {
      expect(h[0]).toEqual([1, 0, 0]);
      expect(h[1]![1]).toBe(0);
      expect(h[2]![1]).toBe(0);
    }
  });

  test('dropout applies in training mode only', () => {
    const attn = build({ dModel: 4, numHeads: 2, dropout: 0.5 }, 9);
    const ref = build({ dModel: 4, numHeads: 2 }, 9);
    const x = leaf([1, 5, 4], 10, false);
    expect(maxAbsDiff(attn.forward(x), ref.forward(x))).toBeGreaterThan(1e-6);
    attn.eval();
    expect(maxAbsDiff(attn.forward(x), ref.forward(x))).toBe(0);
  });

  test('errors', () => {
    expect(() => build({ dModel: 6, numHeads: 4 })).toThrow(/dModel \(6\) must be divisible by numHeads \(4\)/);
    expect(() => build({ dModel: 8, numHeads: 4, numKvHeads: 3 })).toThrow(/numHeads \(4\) must be divisible by numKvHeads \(3\)/);
    expect(() => build({ dModel: 6, numHeads: 2, rope: { theta: 1e4, maxSeqLen: 8 } })).toThrow(/RoPE needs an even head size, got dModel \/ numHeads = 3/);
    expect(() => build({ dModel: 8, numHeads: 2, dropout: 1 })).toThrow(ArgumentError);
    const attn = build({ dModel: 8, numHeads: 2, rope: { theta: 1e4, maxSeqLen: 4 } });
    expect(() => attn.forward(leaf([3, 8], 1, false))).toThrow(ShapeError);
    expect(() => attn.forward(leaf([3, 8], 1, false))).toThrow(/x must be \(B, T, dModel=8\), got \[3,8\]/);
    expect(() => attn.forward(leaf([1, 3, 6], 1, false))).toThrow(/got \[1,3,6\]/);
    expect(() => attn.forward(leaf([1, 5, 8], 1, false))).toThrow(/position 4 is beyond rope.maxSeqLen 4/);
    expect(() => attn.forward(leaf([1, 2, 8], 1, false), { positions: [3, 4] })).toThrow(/position 4 is beyond/);
    expect(attn.forward(leaf([1, 2, 8], 1, false), { positions: [2, 3] }).shape).toEqual([1, 2, 8]);
  });
});
