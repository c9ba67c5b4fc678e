import {
  attentionBackward,
  attentionBackwardJs,
  attentionBackwardReference,
  attentionBackwardWasm,
  attentionForward,
  attentionForwardJs,
  attentionForwardReference,
  attentionForwardWasm,
  attentionWasm,
  loadAttentionWasm,
} from '../../src/kernels/attention.js';
import type { AttentionArgs, AttentionArray } from '../../src/kernels/attention.js';
import { expectFloat32Matches, fusedCases, makeCase, makeRng, maxRelErr, randomArray, referenceLse, toFloat32 } from './attention-fixtures.js';
import type { CaseOptions, Float32Backend } from './attention-fixtures.js';

function hasNaN(a: AttentionArray): boolean {
  return a.some(Number.isNaN);
}

const float32Backends: Record<string, Float32Backend> = {
  // float32 dispatches to the fastest WebAssembly build; float64 always runs JavaScript.
  dispatch: { forward: attentionForward, backward: (a, o, l, d, want) => attentionBackward(a, o, l, d, { wantMaskGrad: want }) },
  js: { forward: attentionForwardJs, backward: (a, o, l, d, want) => attentionBackwardJs(a, o, l, d, { wantMaskGrad: want }) },
  'wasm simd': {
    forward: (a) => attentionForwardWasm(a, loadAttentionWasm('simd')),
    backward: (a, o, l, d, want) => attentionBackwardWasm(a, o, l, d, want, loadAttentionWasm('simd')),
  },
};

test('the WebAssembly SIMD module loads in Node', () => {
  expect(loadAttentionWasm('simd')).not.toBeNull();
  expect(attentionWasm()).not.toBeNull();
});

describe.each(fusedCases)('fused attention vs reference: %s', (_name, shape, opts) => {
  const a64 = makeCase(11, shape, opts);
  const dOut = randomArray(makeRng(5), shape.B * shape.Hq * shape.L * shape.Ev);
  const wantMaskGrad = a64.floatMask !== undefined;
  const ref = attentionForwardReference(a64);
  const refGrads = attentionBackwardReference(a64, dOut, { wantMaskGrad });

  test('float64 matches to 1e-12', () => {
    const fused = attentionForward(a64);
    const fusedGrads = attentionBackward(a64, fused.out, fused.lse, dOut, { wantMaskGrad });
    expect(maxRelErr(fused.out, ref.out)).toBeLessThan(1e-12);
    expect(maxRelErr(fused.lse, referenceLse(a64))).toBeLessThan(1e-12);
    expect(maxRelErr(fusedGrads.dq, refGrads.dq)).toBeLessThan(1e-12);
    expect(maxRelErr(fusedGrads.dk, refGrads.dk)).toBeLessThan(1e-12);
    expect(maxRelErr(fusedGrads.dv, refGrads.dv)).toBeLessThan(1e-12);
    if (wantMaskGrad) expect(maxRelErr(fusedGrads.dMask as Float64Array, refGrads.dMask as Float64Array)).toBeLessThan(1e-12);
    else expect(fusedGrads.dMask).toBeUndefined();
  });

  test.each(Object.keys(float32Backends))('float32 (%s) matches the float64 reference to 1e-5', (backend) => {
    expectFloat32Matches(float32Backends[backend], a64, dOut, ref.out, refGrads, 1e-5);
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
      // float64 runs the JavaScript kernels, float32 the WebAssembly ones.
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

describe('mask strides', () => {
  test('a reversed (negative-stride) view reads the same mask as its reversed copy', () => {
    const shape = { B: 2, Hq: 2, Hkv: 1, L: 70, S: 67, E: 4, Ev: 3 };
    const base = makeCase(8, shape, { boolMask: 'ls', floatMask: 'ls', causal: true });
    const { S, L } = shape;
    const flip = <A extends Uint8Array | Float64Array>(d: A): A => {
      const r = d.slice() as A;
      for (let i = 0; i < L; i++) for (let j = 0; j < S; j++) r[i * S + j] = d[i * S + (S - 1 - j)];
      return r;
    };
    const bm = (base.boolMask as { data: Uint8Array }).data;
    const fm = (base.floatMask as { data: Float64Array }).data;
    const reversed: AttentionArgs<Float64Array> = {
      ...base,
      boolMask: { data: flip(bm), strides: [0, 0, S, -1], offset: S - 1 },
      floatMask: { data: flip(fm), strides: [0, 0, S, -1], offset: S - 1 },
    };
    const dOut = randomArray(makeRng(3), 2 * 2 * L * 3);
    expectSameResults(base, reversed, dOut);
    expectSameResults(toFloat32(base), toFloat32(reversed), Float32Array.from(dOut));
  });
});

/** Expects bit-identical forward and backward results from two argument sets. */
function expectSameResults<T extends AttentionArray>(a: AttentionArgs<T>, b: AttentionArgs<T>, dOut: T): void {
  const want = attentionForward(a);
  const got = attentionForward(b);
  expect(Array.from(got.out)).toEqual(Array.from(want.out));
  const gWant = attentionBackward(a, want.out, want.lse, dOut, { wantMaskGrad: true });
  const gGot = attentionBackward(b, got.out, got.lse, dOut, { wantMaskGrad: true });
  expect(Array.from(gGot.dk)).toEqual(Array.from(gWant.dk));
  expect(Array.from(gGot.dMask as T)).toEqual(Array.from(gWant.dMask as T));
}

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
