import {
  attentionBackwardReference,
  attentionForward,
  attentionForwardReference,
} from '../../src/kernels/attention.js';
import type { AttentionArgs } from '../../src/kernels/attention.js';
import { makeCase, makeRng, maxRelErr, randomArray, toFloat32 } from './attention-fixtures.js';
import type { CaseOptions } from './attention-fixtures.js';

const X = [1, 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0];
const knownWeights = [
  0.50648039, 0.18632372, 0.30719589, 0.18632372, 0.50648039, 0.30719589, 0.27406862, 0.27406862, 0.45186276,
];
const knownOut = [
  0.81367628, 0.49351961, 0.50648039, 0.18632372, 0.49351961, 0.81367628, 0.18632372, 0.50648039, 0.72593138,
  0.72593138, 0.27406862, 0.27406862,
];

function knownArgs(): AttentionArgs<Float64Array> {
  const x = Float64Array.from(X);
  return {
    batch: 1, headsQ: 1, headsKv: 1, lenQ: 3, lenKv: 3, dim: 4, dimV: 4,
    q: x, k: x, v: x, scale: 0.5, causal: false, dropoutP: 0, dropoutSeed: 0,
  };
}

describe('attention reference: known value', () => {
  test('q = k = v = X, scale 1/2 gives the published weights and output', () => {
    const { out, weights } = attentionForwardReference(knownArgs());
    Array.from(weights).forEach((w, i) => expect(w).toBeCloseTo(knownWeights[i], 8));
    Array.from(out).forEach((o, i) => expect(o).toBeCloseTo(knownOut[i], 8));
  });

  test('the fused kernel gives the same output in float64 and float32', () => {
    const a = knownArgs();
    const { out, lse } = attentionForward(a);
    Array.from(out).forEach((o, i) => expect(o).toBeCloseTo(knownOut[i], 8));
    // Row 0 scores are (1, 0, 0.5): lse = log(e + 1 + e^0.5).
    expect(lse[0]).toBeCloseTo(Math.log(Math.E + 1 + Math.exp(0.5)), 12);
    const out32 = attentionForward(toFloat32(a)).out;
    expect(out32).toBeInstanceOf(Float32Array);
    Array.from(out32).forEach((o, i) => expect(o).toBeCloseTo(knownOut[i], 6));
  });
});

/** Σ out ∘ g, the scalar whose gradient the backward returns when dOut = g. */
function loss(a: AttentionArgs<Float64Array>, g: Float64Array): number {
  const { out } = attentionForwardReference(a);
  let s = 0;
  for (let i = 0; i < out.length; i++) s += out[i] * g[i];
  return s;
}

function finiteDiff(a: AttentionArgs<Float64Array>, g: Float64Array, x: Float64Array): Float64Array {
  const h = 1e-6;
  const d = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const x0 = x[i];
    if (!Number.isFinite(x0)) continue;
    x[i] = x0 + h;
    const up = loss(a, g);
    x[i] = x0 - h;
    const down = loss(a, g);
    x[i] = x0;
    d[i] = (up - down) / (2 * h);
  }
  return d;
}

describe('attention reference backward: finite differences (float64)', () => {
  test.each<[string, CaseOptions]>([
    ['float mask + bool mask + GQA + dropout', { floatMask: 'full', boolMask: 'ls', dropoutP: 0.25 }],
    ['causal, L > S', { causal: true }],
  ])('%s', (_name, opts) => {
    const shape = opts.causal ? { B: 1, Hq: 2, Hkv: 1, L: 5, S: 3, E: 3, Ev: 2 } : { B: 2, Hq: 2, Hkv: 1, L: 3, S: 4, E: 3, Ev: 2 };
    const a = makeCase(7, shape, opts);
    const g = randomArray(makeRng(99), shape.B * shape.Hq * shape.L * shape.Ev);
    const grads = attentionBackwardReference(a, g, { wantMaskGrad: a.floatMask !== undefined });
    expect(maxRelErr(grads.dq, finiteDiff(a, g, a.q))).toBeLessThan(1e-8);
    expect(maxRelErr(grads.dk, finiteDiff(a, g, a.k))).toBeLessThan(1e-8);
    expect(maxRelErr(grads.dv, finiteDiff(a, g, a.v))).toBeLessThan(1e-8);
    if (a.floatMask) {
      const dMask = grads.dMask as Float64Array;
      expect(maxRelErr(dMask, finiteDiff(a, g, a.floatMask.data))).toBeLessThan(1e-8);
      // Gradients are non-trivial: some entries are clearly away from zero.
      expect(Math.max(...Array.from(dMask, Math.abs))).toBeGreaterThan(1e-3);
    }
    expect(Math.max(...Array.from(grads.dq, Math.abs))).toBeGreaterThan(1e-3);
  });
});

describe('attention reference: dropout', () => {
  test('p = 0.5 zeroes some weights and doubles the rest', () => {
    const a = makeCase(3, { B: 1, Hq: 2, Hkv: 2, L: 6, S: 9, E: 4, Ev: 3 });
    const plain = attentionForwardReference(a).weights;
    const dropped = attentionForwardReference({ ...a, dropoutP: 0.5 }).weights;
    let zeros = 0;
    for (let i = 0; i < plain.length; i++) {
      if (dropped[i] === 0) zeros++;
      else expect(dropped[i]).toBeCloseTo(2 * plain[i], 14);
    }
    expect(zeros).toBeGreaterThan(plain.length * 0.3);
    expect(zeros).toBeLessThan(plain.length * 0.7);
  });

  test('p = 1 drops everything: zero output and zero gradients', () => {
    const a = { ...makeCase(4, { B: 1, Hq: 1, Hkv: 1, L: 3, S: 4, E: 2, Ev: 2 }), dropoutP: 1 };
    expect(Array.from(attentionForwardReference(a).out)).toEqual(new Array(6).fill(0));
    const { dq, dv } = attentionBackwardReference(a, new Float64Array(6).fill(1), { wantMaskGrad: false });
    expect(Array.from(dq)).toEqual(new Array(6).fill(0));
    expect(Array.from(dv)).toEqual(new Array(8).fill(0));
  });
});
