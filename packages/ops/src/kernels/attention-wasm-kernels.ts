/**
 * Float32 attention forward/backward on the WebAssembly SIMD module: copy the inputs into the
 * module's memory, pack them zero-padded to multiples of 8 (keys and values also as transposed
 * panels), run one call per head, copy the results out. Same semantics and dropout mask as the
 * JavaScript kernels.
 */
import { checkAttentionArgs, checkBackwardArgs } from './attention-args.js';
import type { AttentionArgs } from './attention-args.js';
import { attentionWasm, wasmRegions } from './attention-wasm.js';
import type { AttentionWasmExports } from './attention-wasm.js';

const pad8 = (n: number): number => Math.ceil(n / 8) * 8;

/** Passes shape, mask strides and dropout of `a` to the module; scratch at `scratch`. */
function configure(w: AttentionWasmExports, a: AttentionArgs<Float32Array>, scratch: number): void {
  const fs = a.floatMask?.strides ?? [0, 0, 0, 0];
  const bs = a.boolMask?.strides ?? [0, 0, 0, 0];
  // Keep iff bits >= p·2^32, i.e. bits >= ceil(p·2^32); above 2^32 - 1 nothing is kept.
  const threshold = Math.ceil(a.dropoutP * 4294967296);
  const keepScale = a.dropoutP < 1 && threshold <= 0xffffffff ? 1 / (1 - a.dropoutP) : 0;
  w.configure(
    a.lenQ, a.lenKv, a.dim, a.dimV, a.scale, a.causal ? 1 : 0, fs[2], fs[3], bs[2], bs[3],
    a.dropoutP > 0 ? 1 : 0, Math.min(threshold, 0xffffffff), keepScale, a.dropoutSeed >>> 0, scratch,
  );
}

/** Copies the masks into their regions; returns the address functions for (b, h). */
function placeMasks(w: AttentionWasmExports, a: AttentionArgs<Float32Array>, fmAt: number, bmAt: number) {
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

/**
 * Fused forward on the SIMD module `w` (default: the fastest this runtime runs), or null when
 * no module runs here or its memory cannot grow to fit.
 */
export function attentionForwardWasm(
  a: AttentionArgs<Float32Array>,
  w: AttentionWasmExports | null = attentionWasm(),
): { out: Float32Array; lse: Float64Array } | null {
  checkAttentionArgs('attentionForwardWasm', a);
  if (w === null) return null;
  const { batch: B, headsQ: Hq, headsKv: Hkv, lenQ: L, lenKv: S, dim: E, dimV: Ev } = a;
  const outLength = B * Hq * L * Ev;
  const rowCount = B * Hq * L;
  if (rowCount === 0 || S === 0) return { out: new Float32Array(outLength), lse: new Float64Array(rowCount).fill(-Infinity) };
  const [Lp, Sp, Ep, Evp] = [pad8(L), pad8(S), pad8(E), pad8(Ev)];
  const panels = Math.ceil(S / w.blockK()) * w.blockK();
  const regions = wasmRegions(w, [
    a.q.length * 4, a.k.length * 4, a.v.length * 4,
    B * Hq * Lp * Ep * 4, B * Hkv * Ep * panels * 4, B * Hkv * Sp * Evp * 4,
    outLength * 4, rowCount * 8,
    (a.floatMask?.data.length ?? 0) * 4, a.boolMask?.data.length ?? 0, w.scratchBytes(Ep, Evp),
  ]);
  if (regions === null) return null;
  const [qAt, kAt, vAt, qP, ktP, vP, outAt, lseAt, fmAt, bmAt, scratch] = regions;
  const f32 = new Float32Array(w.memory.buffer);
  f32.set(a.q, qAt / 4);
  f32.set(a.k, kAt / 4);
  f32.set(a.v, vAt / 4);
  f32.fill(0, outAt / 4, outAt / 4 + outLength);
  const masks = placeMasks(w, a, fmAt, bmAt);
  w.pack(qAt, qP, B * Hq, L, E, Lp, Ep);
  w.packPanels(kAt, ktP, B * Hkv, S, E, Ep);
  w.pack(vAt, vP, B * Hkv, S, Ev, Sp, Evp);
  configure(w, a, scratch);
  const group = Hq / Hkv;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < Hq; h++) {
      const bh = b * Hq + h;
      const kv = b * Hkv + Math.floor(h / group);
      w.forwardHead(
        qP + bh * Lp * Ep * 4, ktP + kv * Ep * panels * 4, vP + kv * Sp * Evp * 4,
        outAt + bh * L * Ev * 4, lseAt + bh * L * 8, masks.fm(b, h), masks.bm(b, h), b, h,
      );
    }
  }
  // slice() allocates and copies in one pass, with no zero-fill first.
  return {
    out: new Float32Array(w.memory.buffer, outAt, outLength).slice(),
    lse: new Float64Array(w.memory.buffer, lseAt, rowCount).slice(),
  };
}

/** Fused backward on the SIMD module `w`, or null as for {@link attentionForwardWasm}. */
export function attentionBackwardWasm(
  a: AttentionArgs<Float32Array>,
  out: Float32Array,
  lse: Float64Array,
  dOut: Float32Array,
  wantMaskGrad: boolean,
  w: AttentionWasmExports | null = attentionWasm(),
): { dq: Float32Array; dk: Float32Array; dv: Float32Array; dMask?: Float32Array } | null {
  checkBackwardArgs('attentionBackwardWasm', a, out, lse, dOut);
  if (w === null) return null;
  const { batch: B, headsQ: Hq, headsKv: Hkv, lenQ: L, lenKv: S, dim: E, dimV: Ev } = a;
  const maskLength = wantMaskGrad ? B * Hq * L * S : 0;
  if (lse.length === 0 || S === 0) {
    const zeros = { dq: new Float32Array(a.q.length), dk: new Float32Array(a.k.length), dv: new Float32Array(a.v.length) };
    return wantMaskGrad ? { ...zeros, dMask: new Float32Array(maskLength) } : zeros;
  }
  const [Lp, Sp, Ep, Evp] = [pad8(L), pad8(S), pad8(E), pad8(Ev)];
  const panels = Math.ceil(S / w.blockK()) * w.blockK();
  const regions = wasmRegions(w, [
    a.q.length * 4, a.k.length * 4, a.v.length * 4, dOut.length * 4, out.length * 4,
    B * Hq * Lp * Ep * 4, B * Hkv * Sp * Ep * 4, B * Hkv * Ep * panels * 4, B * Hkv * Evp * panels * 4,
    B * Hq * Lp * Evp * 4, B * Hq * Lp * Ep * 4,
    a.q.length * 4, a.k.length * 4, a.v.length * 4, lse.length * 8, lse.length * 4, maskLength * 4,
    (a.floatMask?.data.length ?? 0) * 4, a.boolMask?.data.length ?? 0, w.scratchBytes(Ep, Evp),
  ]);
  if (regions === null) return null;
  const [qAt, kAt, vAt, dOAt, outAt, qP, kP, ktP, vtP, dOP, dqP, dqAt, dkAt, dvAt, lseAt, dRowAt, dMaskAt, fmAt, bmAt, scratch] =
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
  // D_i = dO_i · O_i.
  w.rowDots(dOAt, outAt, dRowAt, lse.length, Ev);
  const masks = placeMasks(w, a, fmAt, bmAt);
  w.pack(qAt, qP, B * Hq, L, E, Lp, Ep);
  w.pack(kAt, kP, B * Hkv, S, E, Sp, Ep);
  w.packPanels(kAt, ktP, B * Hkv, S, E, Ep);
  w.packPanels(vAt, vtP, B * Hkv, S, Ev, Evp);
  w.pack(dOAt, dOP, B * Hq, L, Ev, Lp, Evp);
  configure(w, a, scratch);
  const group = Hq / Hkv;
  for (let b = 0; b < B; b++) {
    for (let kvh = 0; kvh < Hkv; kvh++) {
      const kv = b * Hkv + kvh;
      const h0 = kvh * group;
      const bh = b * Hq + h0;
      w.backwardKvHead(
        qP + bh * Lp * Ep * 4, dOP + bh * Lp * Evp * 4, dqP + bh * Lp * Ep * 4, lseAt + bh * L * 8,
        dRowAt + bh * L * 4, wantMaskGrad ? dMaskAt + bh * L * S * 4 : 0,
        kP + kv * Sp * Ep * 4, ktP + kv * Ep * panels * 4, vtP + kv * Evp * panels * 4, dkAt + kv * S * E * 4, dvAt + kv * S * Ev * 4,
        masks.fm(b, h0), masks.fmHead, masks.bm(b, h0), masks.bmHead, b, h0, group,
      );
    }
  }
  w.unpack(dqP, dqAt, B * Hq, L, E, Lp, Ep);
  const grads = {
    dq: new Float32Array(buffer, dqAt, a.q.length).slice(),
    dk: new Float32Array(buffer, dkAt, a.k.length).slice(),
    dv: new Float32Array(buffer, dvAt, a.v.length).slice(),
  };
  return wantMaskGrad ? { ...grads, dMask: new Float32Array(buffer, dMaskAt, maskLength).slice() } : grads;
}
