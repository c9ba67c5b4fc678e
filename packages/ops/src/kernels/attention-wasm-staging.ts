import { allocateUninitialized } from '@tsgrad/core';
import type { AttentionArgs, AttentionLayout } from './attention-args.js';
import { layoutSpan, operandDims, type OperandDims } from './attention-layout.js';
import { wasmRegions, type AttentionWasmExports } from './attention-wasm.js';

// Laying float32 attention operands out in the SIMD module's memory, shared by the
// single-threaded driver (attention-wasm-kernels.ts) and the thread pool
// (parallel/parallel-attention.ts) so both hand the kernels the same layout: inputs copied in
// densely, then packed zero-padded to multiples of 8 (keys and values also as transposed
// panels of blockK keys), results and gradients in their own regions, and one scratch region
// per thread that runs kernels; the results are copied back out the same way. Operands with a
// strided layout (AttentionArgs.layouts) are copied in as the span of their array they reach
// and gathered densely by the module; results with a layout are scattered into it before
// they are copied out. Every address is a byte offset into the module's memory.

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

const size = (d: OperandDims): number => d[0] * d[1] * d[2] * d[3];

/** Elements of the span of `layout`'s array that has to be copied in (0 for a dense operand). */
function spanLength(layout: AttentionLayout | undefined, dims: OperandDims): number {
  const span = layout === undefined ? null : layoutSpan(layout, dims);
  return span === null ? 0 : span.hi - span.lo;
}

/** Copies n0·n1·n2 rows of d floats from strides s (elements) at src to strides t at dst. */
function copyRows(w: AttentionWasmExports, src: number, s: readonly number[], dst: number, t: readonly number[], dims: OperandDims): void {
  w.copyRows(src, s[0], s[1], s[2], dst, t[0], t[1], t[2], dims[0], dims[1], dims[2], dims[3]);
}

const denseStrides = (d: OperandDims): [number, number, number] => [d[1] * d[2] * d[3], d[2] * d[3], d[3]];

/**
 * Copies operand `arr` into the dense region at `at`: directly when it is dense, else its
 * span through the region at `rawAt` (spanLength elements), gathered by the module.
 */
function placeOperand(
  w: AttentionWasmExports, arr: Float32Array, layout: AttentionLayout | undefined, dims: OperandDims, at: number, rawAt: number,
): void {
  const f32 = new Float32Array(w.memory.buffer);
  if (layout === undefined) {
    f32.set(arr, at / 4);
    return;
  }
  const span = layoutSpan(layout, dims);
  if (span === null) return;
  f32.set(arr.subarray(span.lo, span.hi), rawAt / 4);
  copyRows(w, rawAt + (layout.offset - span.lo) * 4, layout.strides, at, denseStrides(dims), dims);
}

/**
 * Where a result is copied out from: its dense region `at`, or the region `laidAt` after
 * scattering it there in `layout` (a dense permutation of dims).
 */
function laidOut(w: AttentionWasmExports, layout: AttentionLayout | undefined, dims: OperandDims, at: number, laidAt: number): number {
  if (layout === undefined) return at;
  copyRows(w, at, denseStrides(dims), laidAt, layout.strides, dims);
  return laidAt;
}

/** Forward regions: dense q, k, v; packed q (B·Hq, Lp, Ep); k panels; packed v (B·Hkv, Sp, Evp); out; lse (float64). */
export interface ForwardStaging extends Padding {
  qAt: number; kAt: number; vAt: number;
  qP: number; ktP: number; vP: number;
  outAt: number; lseAt: number;
  /** Where `out` is scattered into its layout (a.layouts.out) when it has one. */
  outLaidAt: number;
  masks: MaskAddresses;
  /** One scratch region per thread. */
  scratch: number[];
}

/**
 * Reserves the forward's regions and `threads` scratch regions and copies q, k, v and the masks
 * in; null when memory cannot grow. Packing is left to the caller. A packed operand that
 * needs no padding is its dense region (pack() then does nothing).
 */
export function stageForward(w: AttentionWasmExports, a: AttentionArgs<Float32Array>, threads: number): ForwardStaging | null {
  const { batch: B, headsQ: Hq, headsKv: Hkv, lenQ: L, lenKv: S, dim: E, dimV: Ev } = a;
  const pad = padding(w, a);
  const { Lp, Sp, Ep, Evp, panels } = pad;
  const dims = operandDims(a);
  const lay = a.layouts ?? {};
  const qDense = Lp === L && Ep === E;
  const vDense = Sp === S && Evp === Ev;
  const regions = wasmRegions(w, [
    size(dims.q) * 4, size(dims.k) * 4, size(dims.v) * 4,
    spanLength(lay.q, dims.q) * 4, spanLength(lay.k, dims.k) * 4, spanLength(lay.v, dims.v) * 4,
    qDense ? 0 : B * Hq * Lp * Ep * 4, B * Hkv * Ep * panels * 4, vDense ? 0 : B * Hkv * Sp * Evp * 4,
    size(dims.out) * 4, lay.out ? size(dims.out) * 4 : 0, B * Hq * L * 8,
    (a.floatMask?.data.length ?? 0) * 4, a.boolMask?.data.length ?? 0,
    ...new Array<number>(threads).fill(w.scratchBytes(Ep, Evp)),
  ]);
  if (regions === null) return null;
  const [qAt, kAt, vAt, qRaw, kRaw, vRaw, qPad, ktP, vPad, outAt, outLaidAt, lseAt, fmAt, bmAt, ...scratch] = regions;
  placeOperand(w, a.q, lay.q, dims.q, qAt, qRaw);
  placeOperand(w, a.k, lay.k, dims.k, kAt, kRaw);
  placeOperand(w, a.v, lay.v, dims.v, vAt, vRaw);
  const masks = placeMasks(w, a, fmAt, bmAt);
  // forwardHead writes every output row, so out needs no zeroing.
  // Padding listed field by field: spreading `pad` into a literal with more properties is slow in
  // V8 and leaves a dictionary-mode object (see linalg/matmul-driver.ts).
  return {
    Lp, Sp, Ep, Evp, panels,
    qAt, kAt, vAt, qP: qDense ? qAt : qPad, ktP, vP: vDense ? vAt : vPad, outAt, outLaidAt, lseAt, masks, scratch,
  };
}

/**
 * Backward regions: dense q, k, v, dO, out; packed q, k (B·Hkv, Sp, Ep), k and v panels, packed
 * dO (B·Hq, Lp, Evp), packed dq accumulator; dense dq, dk, dv; lse (float64); the rows'
 * D = dO·O; the float mask's gradient (B, Hq, L, S) when asked for. A packed operand that needs
 * no padding is its dense region (dq's accumulator then is dense dq).
 */
export interface BackwardStaging extends Padding {
  qAt: number; kAt: number; vAt: number; dOAt: number; outAt: number;
  qP: number; kP: number; ktP: number; vtP: number; dOP: number; dqP: number;
  dqAt: number; dkAt: number; dvAt: number;
  /** Where dq, dk, dv are scattered into their layouts (a.layouts.dq, ...) when they have one. */
  dqLaidAt: number; dkLaidAt: number; dvLaidAt: number;
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
  const { batch: B, headsQ: Hq, headsKv: Hkv, lenQ: L, lenKv: S, dim: E, dimV: Ev } = a;
  const pad = padding(w, a);
  const { Lp, Sp, Ep, Evp, panels } = pad;
  const dims = operandDims(a);
  const lay = a.layouts ?? {};
  const maskLength = wantMaskGrad ? B * Hq * L * S : 0;
  const qDense = Lp === L && Ep === E;
  const kDense = Sp === S && Ep === E;
  const dODense = Lp === L && Evp === Ev;
  const regions = wasmRegions(w, [
    size(dims.q) * 4, size(dims.k) * 4, size(dims.v) * 4, size(dims.dOut) * 4, size(dims.out) * 4,
    spanLength(lay.q, dims.q) * 4, spanLength(lay.k, dims.k) * 4, spanLength(lay.v, dims.v) * 4,
    spanLength(lay.dOut, dims.dOut) * 4, spanLength(lay.out, dims.out) * 4,
    qDense ? 0 : B * Hq * Lp * Ep * 4, kDense ? 0 : B * Hkv * Sp * Ep * 4, B * Hkv * Ep * panels * 4, B * Hkv * Evp * panels * 4,
    dODense ? 0 : B * Hq * Lp * Evp * 4, qDense ? 0 : B * Hq * Lp * Ep * 4,
    size(dims.dq) * 4, size(dims.dk) * 4, size(dims.dv) * 4,
    lay.dq ? size(dims.dq) * 4 : 0, lay.dk ? size(dims.dk) * 4 : 0, lay.dv ? size(dims.dv) * 4 : 0,
    lse.length * 8, lse.length * 4, maskLength * 4,
    (a.floatMask?.data.length ?? 0) * 4, a.boolMask?.data.length ?? 0,
    ...new Array<number>(threads).fill(w.scratchBytes(Ep, Evp)),
  ]);
  if (regions === null) return null;
  const [
    qAt, kAt, vAt, dOAt, outAt, qRaw, kRaw, vRaw, dORaw, outRaw, qPad, kPad, ktP, vtP, dOPad, dqPad,
    dqAt, dkAt, dvAt, dqLaidAt, dkLaidAt, dvLaidAt, lseAt, dRowAt, dMaskAt, fmAt, bmAt, ...scratch
  ] = regions;
  const qP = qDense ? qAt : qPad;
  const kP = kDense ? kAt : kPad;
  const dOP = dODense ? dOAt : dOPad;
  const dqP = qDense ? dqAt : dqPad;
  placeOperand(w, a.q, lay.q, dims.q, qAt, qRaw);
  placeOperand(w, a.k, lay.k, dims.k, kAt, kRaw);
  placeOperand(w, a.v, lay.v, dims.v, vAt, vRaw);
  placeOperand(w, dOut, lay.dOut, dims.dOut, dOAt, dORaw);
  placeOperand(w, out, lay.out, dims.out, outAt, outRaw);
  const buffer = w.memory.buffer;
  const f32 = new Float32Array(buffer);
  f32.fill(0, dqP / 4, dqP / 4 + B * Hq * Lp * Ep);
  if (wantMaskGrad) f32.fill(0, dMaskAt / 4, dMaskAt / 4 + maskLength);
  new Float64Array(buffer, lseAt, lse.length).set(lse);
  const masks = placeMasks(w, a, fmAt, bmAt);
  return {
    Lp, Sp, Ep, Evp, panels,
    qAt, kAt, vAt, dOAt, outAt, qP, kP, ktP, vtP, dOP, dqP, dqAt, dkAt, dvAt, dqLaidAt, dkLaidAt, dvLaidAt,
    lseAt, dRowAt, dMaskAt, masks, scratch,
  };
}

/** A fresh array holding a copy of `view` (module memory), without zero-filling it first. */
function copyOut(view: Float32Array): Float32Array {
  const out = allocateUninitialized('float32', view.length);
  out.set(view);
  return out;
}

/** Copies the forward's out (B, Hq, L, Ev), in its layout, and lse (B, Hq, L) out of the module's memory. */
export function forwardResults(
  w: AttentionWasmExports, a: AttentionArgs<Float32Array>, staged: ForwardStaging,
): { out: Float32Array; lse: Float64Array } {
  const dims = operandDims(a);
  const outFrom = laidOut(w, a.layouts?.out, dims.out, staged.outAt, staged.outLaidAt);
  return {
    out: copyOut(new Float32Array(w.memory.buffer, outFrom, size(dims.out))),
    lse: new Float64Array(w.memory.buffer, staged.lseAt, a.batch * a.headsQ * a.lenQ).slice(),
  };
}

/** Copies dq, dk, dv in their layouts (and the float mask's gradient when `wantMaskGrad`) out of the module's memory. */
export function backwardResults(
  w: AttentionWasmExports, a: AttentionArgs<Float32Array>, staged: BackwardStaging, wantMaskGrad: boolean,
): { dq: Float32Array; dk: Float32Array; dv: Float32Array; dMask?: Float32Array } {
  const dims = operandDims(a);
  const lay = a.layouts ?? {};
  const dqFrom = laidOut(w, lay.dq, dims.dq, staged.dqAt, staged.dqLaidAt);
  const dkFrom = laidOut(w, lay.dk, dims.dk, staged.dkAt, staged.dkLaidAt);
  const dvFrom = laidOut(w, lay.dv, dims.dv, staged.dvAt, staged.dvLaidAt);
  const buffer = w.memory.buffer;
  const grads = {
    dq: copyOut(new Float32Array(buffer, dqFrom, size(dims.dq))),
    dk: copyOut(new Float32Array(buffer, dkFrom, size(dims.dk))),
    dv: copyOut(new Float32Array(buffer, dvFrom, size(dims.dv))),
  };
  if (!wantMaskGrad) return grads;
  const maskLength = a.batch * a.headsQ * a.lenQ * a.lenKv;
  return { ...grads, dMask: copyOut(new Float32Array(buffer, staged.dMaskAt, maskLength)) };
}
