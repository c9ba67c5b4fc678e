import {
  attentionBackward,
  attentionBackwardReference,
  attentionForward,
  attentionForwardReference,
} from '../../src/kernels/attention.js';
import type { AttentionArgs, AttentionArray } from '../../src/kernels/attention.js';
import { makeCase, makeRng, maxRelErr, randomArray, referenceLse, toFloat32 } from './attention-fixtures.js';
import type { CaseOptions, Shape } from './attention-fixtures.js';

const cases: [string, Shape, CaseOptions][] = [
  ['tiny, L != S, E != Ev', { B: 2, Hq: 2, Hkv: 2, L: 5, S: 7, E: 3, Ev: 5 }, {}],
  ['ragged multi-block, GQA', { B: 1, Hq: 4, Hkv: 2, L: 67, S: 131, E: 8, Ev: 6 }, {}],
  ['MQA, L > S, odd dims', { B: 2, Hq: 3, Hkv: 1, L: 130, S: 45, E: 5, Ev: 9 }, {}],
  ['causal, L < S', { B: 1, Hq: 2, Hkv: 1, L: 37, S: 100, E: 7, Ev: 4 }, { causal: true }],
  ['causal, L > S', { B: 1, Hq: 2, Hkv: 2, L: 100, S: 37, E: 4, Ev: 7 }, { causal: true }],
  ['causal, L = S ragged', { B: 2, Hq: 2, Hkv: 1, L: 129, S: 129, E: 6, Ev: 6 }, { causal: true }],
  ['bool mask (L, S) broadcast', { B: 2, Hq: 2, Hkv: 2, L: 70, S: 66, E: 5, Ev: 3 }, { boolMask: 'ls' }],
  ['bool mask per head + causal', { B: 2, Hq: 4, Hkv: 2, L: 33, S: 40, E: 4, Ev: 5 }, { boolMask: 'full', causal: true }],
  ['float mask (B, 1, L, S)', { B: 2, Hq: 3, Hkv: 3, L: 65, S: 70, E: 6, Ev: 2 }, { floatMask: 'b1ls' }],
  ['float mask (L, S) + causal', { B: 1, Hq: 2, Hkv: 1, L: 80, S: 80, E: 4, Ev: 4 }, { floatMask: 'ls', causal: true }],
  ['dropout', { B: 2, Hq: 2, Hkv: 1, L: 70, S: 75, E: 5, Ev: 6 }, { dropoutP: 0.3 }],
  ['everything: GQA, causal, both masks, dropout', { B: 2, Hq: 4, Hkv: 2, L: 68, S: 97, E: 6, Ev: 5 },
    { causal: true, boolMask: 'full', floatMask: 'full', dropoutP: 0.2 }],
  ['fully blocked rows by bool mask', { B: 1, Hq: 2, Hkv: 1, L: 70, S: 20, E: 3, Ev: 4 },
    { boolMask: 'ls', blockedRows: [0, 5, 66] }],
  ['fully blocked rows by -Infinity float mask', { B: 2, Hq: 1, Hkv: 1, L: 9, S: 70, E: 3, Ev: 4 },
    { floatMask: 'full', blockedRows: [2, 8] }],
  ['dropout p = 1', { B: 1, Hq: 1, Hkv: 1, L: 6, S: 5, E: 3, Ev: 2 }, { dropoutP: 1 }],
  ['E = 1, large scale', { B: 1, Hq: 1, Hkv: 1, L: 20, S: 30, E: 1, Ev: 3 }, { scale: 30 }],
];

function hasNaN(a: AttentionArray): boolean {
  return a.some(Number.isNaN);
}

function runBoth<T extends AttentionArray>(a: AttentionArgs<T>, dOut: T, wantMaskGrad: boolean) {
  const fused = attentionForward(a);
  const fusedGrads = attentionBackward(a, fused.out, fused.lse, dOut, { wantMaskGrad });
  return { fused, fusedGrads };
}

describe.each(cases)('fused attention vs reference: %s', (_name, shape, opts) => {
  const a64 = makeCase(11, shape, opts);
  const dOut = randomArray(makeRng(5), shape.B * shape.Hq * shape.L * shape.Ev);
  const wantMaskGrad = a64.floatMask !== undefined;
  const ref = attentionForwardReference(a64);
  const refGrads = attentionBackwardReference(a64, dOut, { wantMaskGrad });

  test('float64 matches to 1e-12', () => {
    const { fused, fusedGrads } = runBoth(a64, dOut, wantMaskGrad);
    expect(maxRelErr(fused.out, ref.out)).toBeLessThan(1e-12);
    expect(maxRelErr(fused.lse, referenceLse(a64))).toBeLessThan(1e-12);
    expect(maxRelErr(fusedGrads.dq, refGrads.dq)).toBeLessThan(1e-12);
    expect(maxRelErr(fusedGrads.dk, refGrads.dk)).toBeLessThan(1e-12);
    expect(maxRelErr(fusedGrads.dv, refGrads.dv)).toBeLessThan(1e-12);
    if (wantMaskGrad) expect(maxRelErr(fusedGrads.dMask as Float64Array, refGrads.dMask as Float64Array)).toBeLessThan(1e-12);
    else expect(fusedGrads.dMask).toBeUndefined();
  });

  test('float32 matches the float64 reference to 1e-5', () => {
    const a32 = toFloat32(a64);
    const { fused, fusedGrads } = runBoth(a32, Float32Array.from(dOut), wantMaskGrad);
    expect(fused.out).toBeInstanceOf(Float32Array);
    expect(fusedGrads.dq).toBeInstanceOf(Float32Array);
    expect(maxRelErr(fused.out, ref.out)).toBeLessThan(1e-5);
    expect(maxRelErr(fusedGrads.dq, refGrads.dq)).toBeLessThan(1e-5);
    expect(maxRelErr(fusedGrads.dk, refGrads.dk)).toBeLessThan(1e-5);
    expect(maxRelErr(fusedGrads.dv, refGrads.dv)).toBeLessThan(1e-5);
    if (wantMaskGrad) expect(maxRelErr(fusedGrads.dMask as Float32Array, refGrads.dMask as Float64Array)).toBeLessThan(1e-5);
  });

  test('outputs are not trivially zero', () => {
    if (opts.dropoutP === 1) {
      expect(ref.out.every((x) => x === 0)).toBe(true);
      return;
    }
    expect(Math.max(...Array.from(ref.out, Math.abs))).toBeGreaterThan(1e-2);
    expect(Math.max(...Array.from(refGrads.dk, Math.abs))).toBeGreaterThan(1e-3);
  });
});

describe('fully blocked rows', () => {
  const shape = { B: 1, Hq: 2, Hkv: 1, L: 70, S: 20, E: 3, Ev: 4 };
  const blockedRows = [0, 5, 66];

  test.each([
    ['bool mask', { boolMask: 'ls', blockedRows } as CaseOptions],
    ['-Infinity float mask', { floatMask: 'ls', blockedRows } as CaseOptions],
    ['both masks, causal, dropout', { boolMask: 'ls', floatMask: 'ls', causal: true, dropoutP: 0.5, blockedRows } as CaseOptions],
  ])('%s: exact zeros, -Infinity lse, no NaN (float64 and float32)', (_n, opts) => {
    const a64 = makeCase(21, shape, opts);
    for (const a of [a64, toFloat32(a64)] as AttentionArgs<AttentionArray>[]) {
      const dOut = a.q.constructor === Float32Array ? new Float32Array(2 * 70 * 4).fill(1) : new Float64Array(2 * 70 * 4).fill(1);
      const { out, lse } = attentionForward(a);
      const g = attentionBackward(a, out, lse, dOut, { wantMaskGrad: true });
      for (const arr of [out, lse, g.dq, g.dk, g.dv, g.dMask as AttentionArray]) expect(hasNaN(arr)).toBe(false);
      for (let h = 0; h < 2; h++) {
        for (const i of blockedRows) {
          const row = h * 70 + i;
          expect(lse[row]).toBe(-Infinity);
          expect(Array.from(out.subarray(row * 4, row * 4 + 4))).toEqual([0, 0, 0, 0]);
          expect(Array.from(g.dq.subarray(row * 3, row * 3 + 3))).toEqual([0, 0, 0]);
          expect(Array.from((g.dMask as AttentionArray).subarray(row * 20, row * 20 + 20))).toEqual(new Array(20).fill(0));
        }
      }
      expect(out.some((x) => x !== 0)).toBe(true);
    }
  });
});

describe('empty sizes', () => {
  test('L = 0 gives empty outputs', () => {
    const a = makeCase(1, { B: 2, Hq: 2, Hkv: 1, L: 0, S: 5, E: 3, Ev: 4 }, { causal: true });
    const { out, lse } = attentionForward(a);
    expect(out.length).toBe(0);
    expect(lse.length).toBe(0);
    const g = attentionBackward(a, out, lse, new Float64Array(0), { wantMaskGrad: false });
    expect(g.dq.length).toBe(0);
    expect(Array.from(g.dk)).toEqual(new Array(2 * 5 * 3).fill(0));
    expect(Array.from(g.dv)).toEqual(new Array(2 * 5 * 4).fill(0));
  });

  test('S = 0 gives zero output, -Infinity lse and zero gradients', () => {
    const a = makeCase(2, { B: 1, Hq: 2, Hkv: 2, L: 3, S: 0, E: 2, Ev: 3 }, { floatMask: 'ls' });
    const { out, lse } = attentionForward(a);
    expect(Array.from(out)).toEqual(new Array(18).fill(0));
    expect(Array.from(lse)).toEqual(new Array(6).fill(-Infinity));
    const g = attentionBackward(a, out, lse, new Float64Array(18).fill(1), { wantMaskGrad: true });
    expect(Array.from(g.dq)).toEqual(new Array(12).fill(0));
    expect(g.dk.length).toBe(0);
    expect((g.dMask as Float64Array).length).toBe(0);
    expect(Array.from(attentionForwardReference(a).out)).toEqual(new Array(18).fill(0));
  });
});

describe('argument checks', () => {
  const good = (): AttentionArgs<Float64Array> => makeCase(3, { B: 1, Hq: 4, Hkv: 2, L: 3, S: 5, E: 2, Ev: 2 });

  test.each([
    ['q length', (a: AttentionArgs<Float64Array>) => { a.q = new Float64Array(5); }, /attentionForward: q has length 5, expected B\*Hq\*L\*E = 1\*4\*3\*2 = 24/],
    ['head ratio', (a: AttentionArgs<Float64Array>) => { a.headsKv = 3; }, /headsQ \(4\) must be a multiple of headsKv \(3\)/],
    ['mixed types', (a: AttentionArgs<Float64Array>) => { (a as unknown as AttentionArgs<Float32Array>).k = new Float32Array(20); }, /k is a Float32Array but q is a Float64Array/],
    ['dropout range', (a: AttentionArgs<Float64Array>) => { a.dropoutP = 1.5; }, /dropoutP must lie in \[0, 1\], got 1.5/],
    ['mask reach', (a: AttentionArgs<Float64Array>) => { a.boolMask = { data: new Uint8Array(14), strides: [0, 0, 5, 1], offset: 0 }; }, /boolMask .* reads indices 0\.\.14 .* length 14/],
    ['negative size', (a: AttentionArgs<Float64Array>) => { a.lenQ = -1; }, /lenQ must be a non-negative integer, got -1/],
  ])('%s', (_n, mutate, message) => {
    const a = good();
    mutate(a);
    expect(() => attentionForward(a)).toThrow(message);
  });

  test('backward checks lse and dOut', () => {
    const a = good();
    const { out, lse } = attentionForward(a);
    expect(() => attentionBackward(a, out, lse.subarray(1), new Float64Array(24), { wantMaskGrad: false })).toThrow(
      /attentionBackward: lse must be a Float64Array of length B\*Hq\*L = 1\*4\*3 = 12/,
    );
    expect(() => attentionBackward(a, out, lse, new Float64Array(3), { wantMaskGrad: false })).toThrow(
      /attentionBackward: dOut has length 3/,
    );
  });
});
