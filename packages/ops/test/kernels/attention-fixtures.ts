/** Shared builders for the attention kernel tests: seeded inputs, masks and comparisons. */
import type { AttentionArgs, AttentionArray, AttentionMask } from '../../src/kernels/attention.js';

/** Deterministic uniform [0, 1) generator (mulberry32). */
export function makeRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform values in [-1, 1). */
export function randomArray(rng: () => number, n: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng() * 2 - 1;
  return a;
}

export interface Shape {
  B: number;
  Hq: number;
  Hkv: number;
  L: number;
  S: number;
  E: number;
  Ev: number;
}

export interface CaseOptions {
  causal?: boolean;
  /** 'ls': one (L, S) mask broadcast over B and H; 'full': a (B, Hq, L, S) mask. */
  boolMask?: 'ls' | 'full';
  floatMask?: 'ls' | 'b1ls' | 'full';
  /** Query rows whose keys are all blocked by the boolean mask / by -Infinity in the float mask. */
  blockedRows?: number[];
  dropoutP?: number;
  scale?: number;
}

function maskStrides(kind: 'ls' | 'b1ls' | 'full', s: Shape): [number, number, number, number] {
  if (kind === 'ls') return [0, 0, s.S, 1];
  if (kind === 'b1ls') return [s.L * s.S, 0, s.S, 1];
  return [s.Hq * s.L * s.S, s.L * s.S, s.S, 1];
}

function maskLength(kind: 'ls' | 'b1ls' | 'full', s: Shape): number {
  if (kind === 'ls') return s.L * s.S;
  if (kind === 'b1ls') return s.B * s.L * s.S;
  return s.B * s.Hq * s.L * s.S;
}

/** Float64 attention arguments for `shape` with random q, k, v and the requested masks. */
export function makeCase(seed: number, shape: Shape, o: CaseOptions = {}): AttentionArgs<Float64Array> {
  const rng = makeRng(seed);
  const { B, Hq, Hkv, L, S, E, Ev } = shape;
  const args: AttentionArgs<Float64Array> = {
    batch: B, headsQ: Hq, headsKv: Hkv, lenQ: L, lenKv: S, dim: E, dimV: Ev,
    q: randomArray(rng, B * Hq * L * E),
    k: randomArray(rng, B * Hkv * S * E),
    v: randomArray(rng, B * Hkv * S * Ev),
    scale: o.scale ?? 1 / Math.sqrt(Math.max(E, 1)),
    causal: o.causal ?? false,
    dropoutP: o.dropoutP ?? 0,
    dropoutSeed: 1234 + seed,
  };
  const blocked = o.blockedRows ?? [];
  if (o.boolMask !== undefined) {
    const strides = maskStrides(o.boolMask, shape);
    const data = new Uint8Array(maskLength(o.boolMask, shape));
    for (let i = 0; i < data.length; i++) data[i] = rng() < 0.7 ? 1 : 0;
    for (const r of blocked) fillRow(data, strides, shape, r, 0);
    args.boolMask = { data, strides, offset: 0 };
  }
  if (o.floatMask !== undefined) {
    const strides = maskStrides(o.floatMask, shape);
    const data = randomArray(rng, maskLength(o.floatMask, shape)).map((x) => 2 * x);
    for (let i = 0; i < data.length; i++) if (rng() < 0.1) data[i] = -Infinity;
    for (const r of blocked) fillRow(data, strides, shape, r, -Infinity);
    args.floatMask = { data, strides, offset: 0 };
  }
  return args;
}

/** Sets mask row i (for every b, h the strides reach) to `value`. */
function fillRow(data: Uint8Array | Float64Array, st: number[], s: Shape, i: number, value: number): void {
  for (let b = 0; b < (st[0] ? s.B : 1); b++) {
    for (let h = 0; h < (st[1] ? s.Hq : 1); h++) {
      for (let j = 0; j < s.S; j++) data[b * st[0] + h * st[1] + i * st[2] + j * st[3]] = value;
    }
  }
}

/** The same arguments with every float array converted to Float32Array. */
export function toFloat32(a: AttentionArgs<Float64Array>): AttentionArgs<Float32Array> {
  const { q, k, v, floatMask, ...rest } = a;
  const out: AttentionArgs<Float32Array> = {
    ...rest,
    q: Float32Array.from(q),
    k: Float32Array.from(k),
    v: Float32Array.from(v),
  };
  if (floatMask) {
    const m: AttentionMask<Float32Array> = { ...floatMask, data: Float32Array.from(floatMask.data) };
    out.floatMask = m;
  }
  return out;
}

/** One float32 implementation of the fused kernels (null: not available here). */
export interface Float32Backend {
  forward(a: AttentionArgs<Float32Array>): { out: Float32Array; lse: Float64Array } | null;
  backward(
    a: AttentionArgs<Float32Array>, out: Float32Array, lse: Float64Array, dOut: Float32Array, wantMaskGrad: boolean,
  ): { dq: Float32Array; dk: Float32Array; dv: Float32Array; dMask?: Float32Array } | null;
}

/**
 * Runs `backend` on the float32 copy of `a64` and expects its output and gradients within
 * `tol` of the float64 reference results; the float mask's gradient too when `a64` has one.
 */
export function expectFloat32Matches(
  backend: Float32Backend,
  a64: AttentionArgs<Float64Array>,
  dOut: Float64Array,
  refOut: Float64Array,
  refGrads: { dq: Float64Array; dk: Float64Array; dv: Float64Array; dMask?: Float64Array },
  tol: number,
): void {
  const a = toFloat32(a64);
  const wantMaskGrad = a64.floatMask !== undefined;
  const fwd = backend.forward(a);
  if (fwd === null) throw new Error('float32 backend unavailable');
  const grads = backend.backward(a, fwd.out, fwd.lse, Float32Array.from(dOut), wantMaskGrad);
  if (grads === null) throw new Error('float32 backend unavailable');
  expect(fwd.out).toBeInstanceOf(Float32Array);
  expect(grads.dq).toBeInstanceOf(Float32Array);
  expect(maxRelErr(fwd.out, refOut)).toBeLessThan(tol);
  expect(maxRelErr(grads.dq, refGrads.dq)).toBeLessThan(tol);
  expect(maxRelErr(grads.dk, refGrads.dk)).toBeLessThan(tol);
  expect(maxRelErr(grads.dv, refGrads.dv)).toBeLessThan(tol);
  if (wantMaskGrad) expect(maxRelErr(grads.dMask as Float32Array, refGrads.dMask as Float64Array)).toBeLessThan(tol);
  else expect(grads.dMask).toBeUndefined();
}

/** Max of |actual - expected| / (1 + |expected|); throws on NaN or length mismatch. */
export function maxRelErr(actual: AttentionArray, expected: AttentionArray): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(a) || Number.isNaN(e)) throw new Error(`NaN at ${i}: ${a} vs ${e}`);
    if (a === e) continue;
    const err = Math.abs(a - e) / (1 + Math.abs(e));
    if (!(err <= worst)) worst = err;
  }
  return worst;
}

/** Log-sum-exp of each row's masked, scaled scores, straight from the definition. */
export function referenceLse(a: AttentionArgs<Float64Array>): Float64Array {
  const { batch: B, headsQ: Hq, headsKv: Hkv, lenQ: L, lenKv: S, dim: E, q, k } = a;
  const lse = new Float64Array(B * Hq * L);
  const at = (m: AttentionMask<ArrayLike<number>>, b: number, h: number, i: number, j: number): number =>
    m.data[m.offset + b * m.strides[0] + h * m.strides[1] + i * m.strides[2] + j * m.strides[3]];
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < Hq; h++) {
      const kv = b * Hkv + Math.floor(h / (Hq / Hkv));
      for (let i = 0; i < L; i++) {
        const scores: number[] = [];
        for (let j = 0; j < S; j++) {
          if (a.causal && j > i) continue;
          if (a.boolMask && !at(a.boolMask, b, h, i, j)) continue;
          let s = 0;
          for (let e = 0; e < E; e++) s += q[((b * Hq + h) * L + i) * E + e] * k[(kv * S + j) * E + e];
          s = s * a.scale + (a.floatMask ? at(a.floatMask, b, h, i, j) : 0);
          scores.push(s);
        }
        const m = Math.max(-Infinity, ...scores);
        lse[(b * Hq + h) * L + i] =
          m === -Infinity ? -Infinity : m + Math.log(scores.reduce((acc, s) => acc + Math.exp(s - m), 0));
      }
    }
  }
  return lse;
}

/** Shapes and options the fused kernels are compared with the reference on. */
export const fusedCases: [string, Shape, CaseOptions][] = [
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
  // Sizes that are multiples of 8 are staged without a padded copy (pack() does nothing).
  ['aligned: causal, GQA, one block', { B: 2, Hq: 4, Hkv: 2, L: 64, S: 64, E: 16, Ev: 16 }, { causal: true }],
  ['aligned: causal, two blocks, bool mask, dropout', { B: 1, Hq: 2, Hkv: 2, L: 128, S: 128, E: 32, Ev: 8 },
    { causal: true, boolMask: 'ls', dropoutP: 0.1 }],
  ['aligned: causal L < S, ragged last key block, float mask', { B: 1, Hq: 2, Hkv: 1, L: 72, S: 136, E: 8, Ev: 24 },
    { causal: true, floatMask: 'full', blockedRows: [3] }],
];
