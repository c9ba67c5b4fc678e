import { setFlagsFromString } from 'node:v8';
import {
  attentionBackward, attentionBackwardJs, attentionBackwardReference, attentionBackwardWasm, attentionForward,
  attentionForwardJs, attentionForwardReference, attentionForwardWasm, loadAttentionWasm,
} from '../../src/kernels/attention.js';
import type { AttentionArgs, AttentionArray, AttentionLayout } from '../../src/kernels/attention.js';
import { disableWorkerPool, enableWorkerPool } from '../../src/node/index.js';
import { makeCase, makeRng, randomArray, toFloat32, type CaseOptions, type Shape } from './attention-fixtures.js';

// Strided layouts (AttentionArgs.layouts): operands read in place from (B, T, H, D) storage with
// gaps between rows (a head-split slice of a fused projection), results written in (B, T, H, D)
// order. Every kernel must give exactly the numbers of its dense run, laid out as asked.

setFlagsFromString('--experimental-wasm-relaxed-simd');

type Dims = [number, number, number, number];

/** (B, T, H, D) storage with `gap` unused elements after each (b, t) row group and `offset` before the first. */
function stridedLayout(dims: Dims, gap: number, offset: number): AttentionLayout {
  const [, H, T, D] = dims;
  const row = H * D + gap;
  return { strides: [T * row, D, row], offset };
}

/** `dense` (B, H, T, D) copied into a new array laid out by `layout`, other elements filled with `fill`. */
function scatter<T extends AttentionArray>(dense: T, dims: Dims, layout: AttentionLayout, length: number, fill: number): T {
  const [B, H, T, D] = dims;
  const out = new (dense.constructor as new (n: number) => T)(length);
  out.fill(fill);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let t = 0; t < T; t++) {
        const at = layout.offset + b * layout.strides[0] + h * layout.strides[1] + t * layout.strides[2];
        out.set(dense.subarray(((b * H + h) * T + t) * D, ((b * H + h) * T + t + 1) * D), at);
      }
    }
  }
  return out;
}

/** The dense (B, H, T, D) contents of a (B, T, H, D)-ordered result. */
function gatherBTHD<T extends AttentionArray>(arr: T, dims: Dims): T {
  return scatterInverse(arr, dims, stridedLayout(dims, 0, 0));
}

function scatterInverse<T extends AttentionArray>(arr: T, dims: Dims, layout: AttentionLayout): T {
  const [B, H, T, D] = dims;
  const out = new (arr.constructor as new (n: number) => T)(B * H * T * D);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let t = 0; t < T; t++) {
        const at = layout.offset + b * layout.strides[0] + h * layout.strides[1] + t * layout.strides[2];
        out.set(arr.subarray(at, at + D), ((b * H + h) * T + t) * D);
      }
    }
  }
  return out;
}

interface Strided<T extends AttentionArray> {
  args: AttentionArgs<T>;
  dims: { q: Dims; k: Dims; v: Dims; out: Dims };
}

/** `a` with q, k, v moved into gapped (B, T, H, D) storage (NaN in the gaps) and out, dq, dk, dv asked in (B, T, H, D) order. */
function strided<T extends AttentionArray>(a: AttentionArgs<T>): Strided<T> {
  const dims = {
    q: [a.batch, a.headsQ, a.lenQ, a.dim] as Dims,
    k: [a.batch, a.headsKv, a.lenKv, a.dim] as Dims,
    v: [a.batch, a.headsKv, a.lenKv, a.dimV] as Dims,
    out: [a.batch, a.headsQ, a.lenQ, a.dimV] as Dims,
  };
  const operand = (x: T, d: Dims, gap: number, offset: number): [T, AttentionLayout] => {
    const layout = stridedLayout(d, gap, offset);
    return [scatter(x, d, layout, offset + d[0] * d[2] * (d[1] * d[3] + gap) + 3, NaN), layout];
  };
  const [q, qL] = operand(a.q, dims.q, 5, 2);
  const [k, kL] = operand(a.k, dims.k, 3, 0);
  const [v, vL] = operand(a.v, dims.v, 1, 7);
  const bthd = (d: Dims): AttentionLayout => stridedLayout(d, 0, 0);
  return {
    args: { ...a, q, k, v, layouts: { q: qL, k: kL, v: vL, out: bthd(dims.out), dq: bthd(dims.q), dk: bthd(dims.k), dv: bthd(dims.v) } },
    dims,
  };
}

interface Kernels<T extends AttentionArray> {
  forward(a: AttentionArgs<T>): { out: T; lse: Float64Array } | null;
  backward(a: AttentionArgs<T>, out: T, lse: Float64Array, dOut: T, want: boolean): { dq: T; dk: T; dv: T; dMask?: T } | null;
}

const wasm = (variant: 'simd' | 'relaxed-simd'): Kernels<Float32Array> => ({
  forward: (a) => attentionForwardWasm(a, loadAttentionWasm(variant)),
  backward: (a, o, l, d, want) => attentionBackwardWasm(a, o, l, d, want, loadAttentionWasm(variant)),
});
const dispatch = <T extends AttentionArray>(): Kernels<T> => ({
  forward: (a) => attentionForward(a),
  backward: (a, o, l, d, wantMaskGrad) => attentionBackward(a, o, l, d, { wantMaskGrad }),
});
const js = <T extends AttentionArray>(): Kernels<T> => ({
  forward: (a) => attentionForwardJs(a),
  backward: (a, o, l, d, wantMaskGrad) => attentionBackwardJs(a, o, l, d, { wantMaskGrad }),
});

/** Runs `kernels` dense and strided (dOut gapped too) and expects identical numbers. */
function expectSameAsDense<T extends AttentionArray>(kernels: Kernels<T>, a: AttentionArgs<T>, dOut: T): void {
  const want = a.floatMask !== undefined;
  const dense = kernels.forward(a);
  if (dense === null) throw new Error('kernels unavailable');
  const denseGrads = kernels.backward(a, dense.out, dense.lse, dOut, want);
  const s = strided(a);
  const fwd = kernels.forward(s.args);
  if (fwd === null) throw new Error('kernels unavailable');
  expect(fwd.out.length).toBe(dense.out.length);
  expect(gatherBTHD(fwd.out, s.dims.out)).toEqual(dense.out);
  expect(fwd.lse).toEqual(dense.lse);
  const dOutLayout = stridedLayout(s.dims.out, 2, 1);
  const dOutStrided = scatter(dOut, s.dims.out, dOutLayout, dOut.length + 4 * s.dims.out[0] * s.dims.out[2], NaN);
  const args = { ...s.args, layouts: { ...s.args.layouts, dOut: dOutLayout } };
  const grads = kernels.backward(args, fwd.out, fwd.lse, dOutStrided, want);
  if (grads === null || denseGrads === null) throw new Error('kernels unavailable');
  expect(gatherBTHD(grads.dq, s.dims.q)).toEqual(denseGrads.dq);
  expect(gatherBTHD(grads.dk, s.dims.k)).toEqual(denseGrads.dk);
  expect(gatherBTHD(grads.dv, s.dims.v)).toEqual(denseGrads.dv);
  expect(grads.dMask).toEqual(denseGrads.dMask);
}

const cases: [string, Shape, CaseOptions][] = [
  ['GPT training shape, causal', { B: 3, Hq: 4, Hkv: 4, L: 64, S: 64, E: 16, Ev: 16 }, { causal: true }],
  ['ragged, GQA, L != S, E != Ev', { B: 2, Hq: 4, Hkv: 2, L: 37, S: 70, E: 9, Ev: 6 }, {}],
  ['masks and dropout', { B: 2, Hq: 2, Hkv: 1, L: 33, S: 40, E: 8, Ev: 5 },
    { causal: true, boolMask: 'full', floatMask: 'ls', dropoutP: 0.2 }],
];

describe.each(cases)('strided layouts: %s', (_name, shape, opts) => {
  const a64 = makeCase(23, shape, opts);
  const a32 = toFloat32(a64);
  const dOut = randomArray(makeRng(8), shape.B * shape.Hq * shape.L * shape.Ev);
  const dOut32 = Float32Array.from(dOut);

  test.each(['simd', 'relaxed-simd'] as const)('WebAssembly (%s) gives the dense numbers', (variant) => {
    expectSameAsDense(wasm(variant), a32, dOut32);
  });

  test('attentionForward/Backward: float32 and float64 give the dense numbers', () => {
    expectSameAsDense(dispatch<Float32Array>(), a32, dOut32);
    expectSameAsDense(dispatch<Float64Array>(), a64, dOut);
  });

  test('JavaScript kernels give the dense numbers', () => {
    expectSameAsDense(js<Float32Array>(), a32, dOut32);
    expectSameAsDense(js<Float64Array>(), a64, dOut);
  });

  test('reference kernels give the dense numbers', () => {
    const want = { wantMaskGrad: a64.floatMask !== undefined };
    const s = strided(a64);
    const dense = attentionForwardReference(a64);
    expect(gatherBTHD(attentionForwardReference(s.args).out, s.dims.out)).toEqual(dense.out);
    const denseGrads = attentionBackwardReference(a64, dOut, want);
    const bthd = stridedLayout(s.dims.out, 0, 0);
    const args = { ...s.args, layouts: { ...s.args.layouts, dOut: bthd } };
    const grads = attentionBackwardReference(args, scatter(dOut, s.dims.out, bthd, dOut.length, 0), want);
    expect(gatherBTHD(grads.dq, s.dims.q)).toEqual(denseGrads.dq);
    expect(gatherBTHD(grads.dk, s.dims.k)).toEqual(denseGrads.dk);
    expect(gatherBTHD(grads.dv, s.dims.v)).toEqual(denseGrads.dv);
  });
});

describe('strided layouts on the worker pool', () => {
  beforeAll(async () => {
    expect(await enableWorkerPool({ threads: 2, minAttentionMacs: 0 })).toBe(2);
  });
  afterAll(async () => {
    await disableWorkerPool();
  });

  test('pooled kernels give the dense numbers', () => {
    const a = toFloat32(makeCase(5, { B: 3, Hq: 4, Hkv: 2, L: 40, S: 40, E: 16, Ev: 8 }, { causal: true, dropoutP: 0.1 }));
    expectSameAsDense(dispatch<Float32Array>(), a, Float32Array.from(randomArray(makeRng(3), 3 * 4 * 40 * 8)));
  });
});

describe('layout checks', () => {
  const base = toFloat32(makeCase(1, { B: 2, Hq: 2, Hkv: 2, L: 5, S: 6, E: 4, Ev: 3 }, {}));

  test('a read layout reaching past its array is refused, naming it and the reach', () => {
    const q = new Float32Array(2 * 2 * 5 * 4);
    const args = { ...base, q, layouts: { q: { strides: [40, 4, 9] as [number, number, number], offset: 0 } } };
    expect(() => attentionForward(args)).toThrow(/attentionForward: q with layout strides \[40,4,9\] and offset 0 reads indices 0\.\.83 .* length 80/);
    expect(() => attentionForward({ ...args, q: new Float32Array(80 + 4) })).not.toThrow();
  });

  test('a result layout that is not dense is refused', () => {
    const out = { strides: [31, 3, 6] as [number, number, number], offset: 0 };
    expect(() => attentionForward({ ...base, layouts: { out } })).toThrow(/attentionForward: layouts\.out .* must lay out .* densely/);
    expect(() => attentionForward({ ...base, layouts: { dq: { strides: [40, 4, 8], offset: 1 } } })).toThrow(/layouts\.dq/);
  });

  test('malformed strides and offsets are refused', () => {
    const bad = { strides: [1, 2] as unknown as [number, number, number], offset: 0 };
    expect(() => attentionForward({ ...base, layouts: { k: bad } })).toThrow(/layouts\.k\.strides must be 3 integers/);
    expect(() => attentionForward({ ...base, layouts: { v: { strides: [1, 2, 3], offset: 0.5 } } })).toThrow(/layouts\.v\.offset/);
  });

  test('dOut is checked against its layout', () => {
    const { out, lse } = attentionForward(base);
    const dOut = new Float32Array(10);
    const layouts = { dOut: { strides: [30, 15, 3] as [number, number, number], offset: 0 } };
    expect(() => attentionBackward({ ...base, layouts }, out, lse, dOut, { wantMaskGrad: false })).toThrow(/attentionBackward: dOut with layout/);
  });
});
