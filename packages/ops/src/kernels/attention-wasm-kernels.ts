/**
 * Float32 attention forward/backward on the WebAssembly SIMD module: copy the inputs into the
 * module's memory, pack them zero-padded to multiples of 8 (keys and values also as transposed
 * panels), run one call per head, copy the results out. Same semantics and dropout mask as the
 * JavaScript kernels.
 */
import { checkAttentionArgs, checkBackwardArgs } from './attention-args.js';
import type { AttentionArgs } from './attention-args.js';
import { attentionWasm } from './attention-wasm.js';
import type { AttentionWasmExports } from './attention-wasm.js';
import { backwardResults, configureArgs, forwardResults, stageBackward, stageForward } from './attention-wasm-staging.js';

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
  const staged = stageForward(w, a, 1);
  if (staged === null) return null;
  const { Lp, Sp, Ep, Evp, panels, qAt, kAt, vAt, qP, ktP, vP, outAt, lseAt, masks, scratch: [scratch] } = staged;
  w.pack(qAt, qP, B * Hq, L, E, Lp, Ep);
  w.packPanels(kAt, ktP, B * Hkv, S, E, Ep);
  w.pack(vAt, vP, B * Hkv, S, Ev, Sp, Evp);
  w.configure(...configureArgs(a, scratch));
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
  return forwardResults(w, a, staged);
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
    const zeros = { dq: new Float32Array(B * Hq * L * E), dk: new Float32Array(B * Hkv * S * E), dv: new Float32Array(B * Hkv * S * Ev) };
    return wantMaskGrad ? { ...zeros, dMask: new Float32Array(maskLength) } : zeros;
  }
  const staged = stageBackward(w, a, out, lse, dOut, wantMaskGrad, 1);
  if (staged === null) return null;
  const { Lp, Sp, Ep, Evp, panels, qAt, kAt, vAt, dOAt, outAt, qP, kP, ktP, vtP, dOP, dqP, dqAt, dkAt, dvAt, lseAt, dRowAt, dMaskAt, masks } =
    staged;
  const [scratch] = staged.scratch;
  // D_i = dO_i · O_i.
  w.rowDots(dOAt, outAt, dRowAt, lse.length, Ev);
  w.pack(qAt, qP, B * Hq, L, E, Lp, Ep);
  w.pack(kAt, kP, B * Hkv, S, E, Sp, Ep);
  w.packPanels(kAt, ktP, B * Hkv, S, E, Ep);
  w.packPanels(vAt, vtP, B * Hkv, S, Ev, Evp);
  w.pack(dOAt, dOP, B * Hq, L, Ev, Lp, Evp);
  w.configure(...configureArgs(a, scratch));
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
  return backwardResults(w, a, staged, wantMaskGrad);
}
