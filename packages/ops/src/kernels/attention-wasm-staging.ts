import type { AttentionArgs } from './attention-args.js';
import { wasmRegions, type AttentionWasmExports } from './attention-wasm.js';

// Laying float32 attention operands out in the SIMD module's memory, shared by the
// single-threaded driver (attention-wasm-kernels.ts) and the thread pool
// (parallel/parallel-attention.ts) so both hand the kernels the same layout: inputs copied in
// densely, then packed zero-padded to multiples of 8 (keys and values also as transposed
// panels of blockK keys), results and gradients in their own regions, and one scratch region
// per thread that runs kernels; the results are copied back out the same way. Every address
// is a byte offset into the module's memory.

/** Rounds up to a multiple of 8, the padding of the packed operands. */
export const pad8 = (n: number): number => Math.ceil(n / 8) * 8;

/** The arguments of the module's configure() for `a`: shape, mask strides, dropout, scratch at `scratch`. */
export function configureArgs(a: AttentionArgs<Float32Array>, scratch: number): Parameters<AttentionWasmExports['configure']> {
  const fs = a.floatMask?.strides ?? [0, 0, 0, 0];
  const bs = a.boolMask?.strides ?? [0, 0, 0, 0];
  // Keep iff bits >= p·2^32, i.e. bits >= ceil(p·2^32); above 2^32 - 1 nothing is kept.
  const threshold = Math.ceil(a.dropoutP * 4294967296);
  const keepScale = a.dropoutP < 1 && threshold <= 0xffffffff ? 1 / (1 - a.dropoutP) : 0;
  return [
    a.lenQ, a.lenKv, a.dim, a.dimV, a.scale, a.causal ? 1 : 0, fs[2], fs[3], bs[2], bs[3],
    a.dropoutP > 0 ? 1 : 0, Math.min(threshold, 0xffffffff), keepScale, a.dropoutSeed >>> 0, scratch,
  ];
}

/** Where the masks of one (b, h) start, and how far apart consecutive heads' masks are. */
export interface MaskAddresses {
  /** Float mask of (b, h), or 0 without one. */
  fm(b: number, h: number): number;
  /** Bool mask of (b, h), or 0 without one. */
  bm(b: number, h: number): number;
  /** Bytes from one query head's float mask to the next (0 without one). */
  fmHead: number;
  /** Bytes from one query head's bool mask to the next (0 without one). */
  bmHead: number;
}

/** Copies the masks into their regions at fmAt, bmAt; returns their addresses per (b, h). */
function placeMasks(w: AttentionWasmExports, a: AttentionArgs<Float32Array>, fmAt: number, bmAt: number): MaskAddresses {
  const fm = a.floatMask;
  const bm = a.boolMask;
  if (fm) new Float32Array(w.memory.buffer).set(fm.data, fmAt / 4);
  if (bm) new Uint8Array(w.memory.buffer).set(bm.data, bmAt);
  return {
    fm: (b: number, h: number): number => (fm ? fmAt + 4 * (fm.offset + b * fm.strides[0] + h * fm.strides[1]) : 0),
    bm: (b: number, h: number): number => (bm ? bmAt + bm.offset + b * bm.strides[0] + h * bm.strides[1] : 0),
    fmHead: fm ? 4 * fm.strides[1] : 0,
    bmHead: bm ? bm.strides[1] : 0,
  };
}

/** Padded sizes of the packed operands. */
export interface Padding {
  /** Query positions L, padded. */
  Lp: number;
  /** Key positions S, padded. */
  Sp: number;
  /** Query/key features E, padded. */
  Ep: number;
  /** Value features Ev, padded. */
  Evp: number;
  /** Key positions S rounded up to whole blocks of blockK keys (the panels' width). */
  panels: number;
}

function padding(w: AttentionWasmExports, a: AttentionArgs<Float32Array>): Padding {
  const panels = Math.ceil(a.lenKv / w.blockK()) * w.blockK();
  return { Lp: pad8(a.lenQ), Sp: pad8(a.lenKv), Ep: pad8(a.dim), Evp: pad8(a.dimV), panels };
}

/** Forward regions: dense q, k, v; packed q (B·Hq, Lp, Ep); k panels; packed v (B·Hkv, Sp, Evp); out; lse (float64). */
export interface ForwardStaging extends Padding {
  qAt: number; kAt: number; vAt: number;
  qP: number; ktP: number; vP: number;
  outAt: number; lseAt: number;
  masks: MaskAddresses;
  /** One scratch region per thread. */
  scratch: number[];
}

/**
 * Reserves the forward's regions and `threads` scratch regions, copies q, k, v and the masks
 * in and zeroes out; null when memory cannot grow. Packing is left to the caller.
 */
export function stageForward(w: AttentionWasmExports, a: AttentionArgs<Float32Array>, threads: number): ForwardStaging | null {
  const { batch: B, headsQ: Hq, headsKv: Hkv, lenQ: L, dimV: Ev } = a;
  const pad = padding(w, a);
  const { Lp, Sp, Ep, Evp, panels } = pad;
  const outLength = B * Hq * L * Ev;
  const regions = wasmRegions(w, [
    a.q.length * 4, a.k.length * 4, a.v.length * 4,
    B * Hq * Lp * Ep * 4, B * Hkv * Ep * panels * 4, B * Hkv * Sp * Evp * 4,
    outLength * 4, B * Hq * L * 8,
    (a.floatMask?.data.length ?? 0) * 4, a.boolMask?.data.length ?? 0,
    ...new Array<number>(threads).fill(w.scratchBytes(Ep, Evp)),
  ]);
  if (regions === null) return null;
  const [qAt, kAt, vAt, qP, ktP, vP, outAt, lseAt, fmAt, bmAt, ...scratch] = regions;
  const f32 = new Float32Array(w.memory.buffer);
  f32.set(a.q, qAt / 4);
  f32.set(a.k, kAt / 4);
  f32.set(a.v, vAt / 4);
  f32.fill(0, outAt / 4, outAt / 4 + outLength);
  const masks = placeMasks(w, a, fmAt, bmAt);
  return { ...pad, qAt, kAt, vAt, qP, ktP, vP, outAt, lseAt, masks, scratch };
}

/**
 * Backward regions: dense q, k, v, dO, out; packed q, k (B·Hkv, Sp, Ep), k and v panels, packed
 * dO (B·Hq, Lp, Evp), packed dq accumulator; dense dq, dk, dv; lse (float64); the rows'
 * D = dO·O; the float mask's gradient (B, Hq, L, S) when asked for.
 */
export interface BackwardStaging extends Padding {
  qAt: number; kAt: number; vAt: number; dOAt: number; outAt: number;
  qP: number; kP: number; ktP: number; vtP: number; dOP: number; dqP: number;
  dqAt: number; dkAt: number; dvAt: number;
  lseAt: number; dRowAt: number; dMaskAt: number;
  masks: MaskAddresses;
  /** One scratch region per thread. */
  scratch: number[];
}

/**
 * Reserves the backward's regions and `threads` scratch regions, copies q, k, v, dO, out, lse
 * and the masks in and zeroes the accumulated dq (and dMask when `wantMaskGrad`); null when
 * memory cannot grow. Packing and the D rows are left to the caller.
 */
export function stageBackward(
  w: AttentionWasmExports, a: AttentionArgs<Float32Array>, out: Float32Array, lse: Float64Array, dOut: Float32Array,
  wantMaskGrad: boolean, threads: number,
): BackwardStaging | null {
  const { batch: B, headsQ: Hq, headsKv: Hkv, lenQ: L, lenKv: S } = a;
  const pad = padding(w, a);
  const { Lp, Sp, Ep, Evp, panels } = pad;
  const maskLength = wantMaskGrad ? B * Hq * L * S : 0;
  const regions = wasmRegions(w, [
    a.q.length * 4, a.k.length * 4, a.v.length * 4, dOut.length * 4, out.length * 4,
    B * Hq * Lp * Ep * 4, B * Hkv * Sp * Ep * 4, B * Hkv * Ep * panels * 4, B * Hkv * Evp * panels * 4,
    B * Hq * Lp * Evp * 4, B * Hq * Lp * Ep * 4,
    a.q.length * 4, a.k.length * 4, a.v.length * 4, lse.length * 8, lse.length * 4, maskLength * 4,
    (a.floatMask?.data.length ?? 0) * 4, a.boolMask?.data.length ?? 0,
    ...new Array<number>(threads).fill(w.scratchBytes(Ep, Evp)),
  ]);
  if (regions === null) return null;
  const [qAt, kAt, vAt, dOAt, outAt, qP, kP, ktP, vtP, dOP, dqP, dqAt, dkAt, dvAt, lseAt, dRowAt, dMaskAt, fmAt, bmAt, ...scratch] =
    regions;
  const buffer = w.memory.buffer;
  const f32 = new Float32Array(buffer);
  f32.set(a.q, qAt / 4);
  f32.set(a.k, kAt / 4);
  f32.set(a.v, vAt / 4);
  f32.set(dOut, dOAt / 4);
  f32.set(out, outAt / 4);
  f32.fill(0, dqP / 4, dqP / 4 + B * Hq * Lp * Ep);
  if (wantMaskGrad) f32.fill(0, dMaskAt / 4, dMaskAt / 4 + maskLength);
  new Float64Array(buffer, lseAt, lse.length).set(lse);
  const masks = placeMasks(w, a, fmAt, bmAt);
  return {
    ...pad, qAt, kAt, vAt, dOAt, outAt, qP, kP, ktP, vtP, dOP, dqP, dqAt, dkAt, dvAt, lseAt, dRowAt, dMaskAt, masks, scratch,
  };
}

/** Copies the forward's out (B, Hq, L, Ev) and lse (B, Hq, L) out of the module's memory. */
export function forwardResults(
  w: AttentionWasmExports, a: AttentionArgs<Float32Array>, staged: ForwardStaging,
): { out: Float32Array; lse: Float64Array } {
  const rows = a.batch * a.headsQ * a.lenQ;
  // slice() allocates and copies in one pass, with no zero-fill first.
  return {
    out: new Float32Array(w.memory.buffer, staged.outAt, rows * a.dimV).slice(),
    lse: new Float64Array(w.memory.buffer, staged.lseAt, rows).slice(),
  };
}

/** Copies dq, dk, dv (and the float mask's gradient when `wantMaskGrad`) out of the module's memory. */
export function backwardResults(
  w: AttentionWasmExports, a: AttentionArgs<Float32Array>, staged: BackwardStaging, wantMaskGrad: boolean,
): { dq: Float32Array; dk: Float32Array; dv: Float32Array; dMask?: Float32Array } {
  const buffer = w.memory.buffer;
  const grads = {
    dq: new Float32Array(buffer, staged.dqAt, a.q.length).slice(),
    dk: new Float32Array(buffer, staged.dkAt, a.k.length).slice(),
    dv: new Float32Array(buffer, staged.dvAt, a.v.length).slice(),
  };
  if (!wantMaskGrad) return grads;
  const maskLength = a.batch * a.headsQ * a.lenQ * a.lenKv;
  return { ...grads, dMask: new Float32Array(buffer, staged.dMaskAt, maskLength).slice() };
}
