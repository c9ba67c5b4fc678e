import {
  attentionBackward, attentionBackwardReference, attentionBackwardWasm, attentionForward,
  attentionForwardReference, attentionForwardWasm,
} from '../../src/kernels/attention.js';
import type { AttentionArgs } from '../../src/kernels/attention.js';
import { disableWorkerPool, enableWorkerPool } from '../../src/node/index.js';
import { parallelBackend, type ParallelBackend } from '../../src/parallel/parallel-backend.js';
import {
  expectFloat32Matches, fusedCases, makeCase, makeRng, randomArray, toFloat32, type CaseOptions, type Shape,
} from '../kernels/attention-fixtures.js';

// Pooled fused attention splits the (batch, kv head) groups across threads; each group runs the
// single-threaded kernel calls, so results must be bit-identical to one thread, and within
// float32 tolerance of the float64 reference, on every case the fused-attention tests use.

const pool = (): ParallelBackend => parallelBackend() as ParallelBackend;

/** Expects every array of `actual` to hold exactly the bits of the same array of `expected`. */
function expectSameBits(actual: object | null, expected: object): void {
  expect(actual).not.toBeNull();
  const got = actual as Record<string, Float32Array | Float64Array>;
  expect(Object.keys(got).sort()).toEqual(Object.keys(expected).sort());
  for (const [key, want] of Object.entries(expected as Record<string, Float32Array | Float64Array>)) {
    const bytes = (x: Float32Array | Float64Array): Uint8Array => new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
    expect(got[key].constructor).toBe(want.constructor);
    expect(Buffer.compare(bytes(got[key]), bytes(want))).toBe(0);
  }
}

beforeAll(async () => {
  expect(await enableWorkerPool({ threads: 3, minAttentionMacs: 0 })).toBe(3);
});

afterAll(async () => {
  await disableWorkerPool();
});

const cases: [string, Shape, CaseOptions][] = [
  ...fusedCases,
  ['benchmark shape, causal', { B: 4, Hq: 4, Hkv: 4, L: 128, S: 128, E: 32, Ev: 32 }, { causal: true }],
  ['groups not a multiple of the threads, GQA, masks, dropout', { B: 5, Hq: 4, Hkv: 2, L: 37, S: 70, E: 9, Ev: 12 },
    { causal: true, boolMask: 'ls', floatMask: 'full', dropoutP: 0.25 }],
  ['more heads than one pool job holds calls for', { B: 600, Hq: 8, Hkv: 1, L: 3, S: 5, E: 2, Ev: 3 }, { causal: true }],
];

describe.each(cases)('pooled attention: %s', (_name, shape, opts) => {
  const a64 = makeCase(17, shape, opts);
  const a = toFloat32(a64);
  const dOut = randomArray(makeRng(2), shape.B * shape.Hq * shape.L * shape.Ev);
  const dOut32 = Float32Array.from(dOut);
  const wantMaskGrad = a64.floatMask !== undefined;
  const groups = shape.B * shape.Hkv;

  test('bit-identical to one thread (declined when there is one group)', () => {
    const single = attentionForwardWasm(a);
    if (single === null) throw new Error('no attention wasm here');
    const singleGrads = attentionBackwardWasm(a, single.out, single.lse, dOut32, wantMaskGrad);
    const fwd = pool().attentionForward(a);
    const grads = pool().attentionBackward(a, single.out, single.lse, dOut32, wantMaskGrad);
    if (groups < 2) {
      expect(fwd).toBeNull();
      expect(grads).toBeNull();
      return;
    }
    expectSameBits(fwd, single);
    expectSameBits(grads, singleGrads ?? {});
  });

  test('attentionForward/Backward through the pool match the float64 reference to 1e-5', () => {
    const ref = attentionForwardReference(a64);
    const refGrads = attentionBackwardReference(a64, dOut, { wantMaskGrad });
    expectFloat32Matches(
      {
        forward: (x: AttentionArgs<Float32Array>) => attentionForward(x),
        backward: (x, o, l, d, want) => attentionBackward(x, o, l, d, { wantMaskGrad: want }),
      },
      a64, dOut, ref.out, refGrads, 1e-5,
    );
  });
});

test('the pooled results are not trivially zero', () => {
  const a = toFloat32(makeCase(3, { B: 2, Hq: 2, Hkv: 2, L: 40, S: 40, E: 8, Ev: 8 }, { causal: true }));
  const fwd = pool().attentionForward(a);
  expect(fwd).not.toBeNull();
  expect(fwd?.out.some((x) => Math.abs(x) > 1e-2)).toBe(true);
});
