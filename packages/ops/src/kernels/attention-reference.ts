/**
 * The readable attention path: materialise the (B, Hq, L, S) scores, softmax, dropout, then
 * weights · v, and its backward from the materialised weights. O(L·S) memory; it is the
 * oracle the fused kernels are tested against.
 */
import { allocLike, checkAttentionArgs, checkOperand } from './attention-args.js';
import { denseAttentionArgs, fromLayout, operandDims, toLayout } from './attention-layout.js';
import type { AttentionArgs, AttentionArray } from './attention-args.js';
import { dropoutKeep } from './dropout-hash.js';

/** Softmax probabilities before dropout, (B, Hq, L, S); fully blocked rows are all zero. */
function referenceProbs<T extends AttentionArray>(a: AttentionArgs<T>): T {
  const { batch: B, headsQ: Hq, headsKv: Hkv, lenQ: L, lenKv: S, dim: E, q, k } = a;
  const group = Hq / Hkv;
  const probs = allocLike(q, B * Hq * L * S);
  const row = new Float64Array(S);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < Hq; h++) {
      const kv = b * Hkv + Math.floor(h / group);
      for (let i = 0; i < L; i++) {
        const qi = ((b * Hq + h) * L + i) * E;
        let max = -Infinity;
        for (let j = 0; j < S; j++) {
          const kj = (kv * S + j) * E;
          let dot = 0;
          for (let e = 0; e < E; e++) dot += q[qi + e] * k[kj + e];
          let s = a.scale * dot;
          if (a.floatMask) {
            const m = a.floatMask;
            s += m.data[m.offset + b * m.strides[0] + h * m.strides[1] + i * m.strides[2] + j * m.strides[3]];
          }
          if (a.boolMask) {
            const m = a.boolMask;
            if (!m.data[m.offset + b * m.strides[0] + h * m.strides[1] + i * m.strides[2] + j * m.strides[3]]) {
              s = -Infinity;
            }
          }
          if (a.causal && j > i) s = -Infinity;
          row[j] = s;
          if (s > max) max = s;
        }
        const pi = ((b * Hq + h) * L + i) * S;
        if (max === -Infinity) continue;
        let sum = 0;
        for (let j = 0; j < S; j++) sum += Math.exp(row[j] - max);
        for (let j = 0; j < S; j++) probs[pi + j] = Math.exp(row[j] - max) / sum;
      }
    }
  }
  return probs;
}

/** The factor dropout multiplies weight (b, h, i, j) by: 1/(1-p) if kept, else 0. */
function dropoutFactor<T extends AttentionArray>(a: AttentionArgs<T>, b: number, h: number, i: number, j: number): number {
  const p = a.dropoutP;
  if (p === 0) return 1;
  return dropoutKeep(a.dropoutSeed, b, h, i, j, p) ? 1 / (1 - p) : 0;
}

/**
 * Reference attention forward. Returns the output (B, Hq, L, Ev) and the weights actually
 * applied to v, (B, Hq, L, S): softmax probabilities after dropout (as PyTorch returns them).
 */
export function attentionForwardReference<T extends AttentionArray>(laidOut: AttentionArgs<T>): { out: T; weights: T } {
  checkAttentionArgs('attentionForwardReference', laidOut);
  const args = denseAttentionArgs(laidOut);
  const { batch: B, headsQ: Hq, headsKv: Hkv, lenQ: L, lenKv: S, dimV: Ev, v } = args;
  const group = Hq / Hkv;
  const weights = referenceProbs(args);
  const out = allocLike(v, B * Hq * L * Ev);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < Hq; h++) {
      const kv = b * Hkv + Math.floor(h / group);
      for (let i = 0; i < L; i++) {
        const wi = ((b * Hq + h) * L + i) * S;
        const oi = ((b * Hq + h) * L + i) * Ev;
        for (let j = 0; j < S; j++) {
          const w = weights[wi + j] * dropoutFactor(args, b, h, i, j);
          weights[wi + j] = w;
          const vj = (kv * S + j) * Ev;
          for (let e = 0; e < Ev; e++) out[oi + e] += w * v[vj + e];
        }
      }
    }
  }
  return { out: toLayout(out, laidOut.layouts?.out, operandDims(args).out), weights };
}

/**
 * Reference attention backward: gradients of a loss with output gradient `dOut` (B, Hq, L, Ev)
 * with respect to q, k, v and, when `wantMaskGrad`, the float mask as a dense (B, Hq, L, S)
 * array (the caller sums it down to the mask's broadcast shape).
 *
 * With W = P∘Z (P softmax, Z dropout factors): dv = Wᵀ·dO; dP = (dO·vᵀ)∘Z;
 * dS = P∘(dP − rowsum(P∘dP)); dq = scale·dS·k; dk = scale·dSᵀ·q; d(float mask) = dS.
 */
export function attentionBackwardReference<T extends AttentionArray>(
  laidOut: AttentionArgs<T>,
  laidOutDOut: T,
  opts: { wantMaskGrad: boolean },
): { dq: T; dk: T; dv: T; dMask?: T } {
  const fn = 'attentionBackwardReference';
  checkAttentionArgs(fn, laidOut);
  const args = denseAttentionArgs(laidOut);
  const dims = operandDims(args);
  const lay = laidOut.layouts ?? {};
  const { batch: B, headsQ: Hq, headsKv: Hkv, lenQ: L, lenKv: S, dim: E, dimV: Ev, q, k, v, scale } = args;
  checkOperand(fn, 'dOut', laidOutDOut, q, lay.dOut, dims.dOut, `B*Hq*L*Ev = ${B}*${Hq}*${L}*${Ev}`);
  const dOut = fromLayout(laidOutDOut, lay.dOut, dims.dOut);
  const group = Hq / Hkv;
  const probs = referenceProbs(args);
  const dq = allocLike(q, q.length);
  const dk = allocLike(q, k.length);
  const dv = allocLike(q, v.length);
  const dMask = opts.wantMaskGrad ? allocLike(q, B * Hq * L * S) : undefined;
  const dP = new Float64Array(S);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < Hq; h++) {
      const kv = b * Hkv + Math.floor(h / group);
      for (let i = 0; i < L; i++) {
        const pi = ((b * Hq + h) * L + i) * S;
        const oi = ((b * Hq + h) * L + i) * Ev;
        const qi = ((b * Hq + h) * L + i) * E;
        let rowDot = 0;
        for (let j = 0; j < S; j++) {
          const z = dropoutFactor(args, b, h, i, j);
          const w = probs[pi + j] * z;
          const vj = (kv * S + j) * Ev;
          let dw = 0;
          for (let e = 0; e < Ev; e++) {
            dw += dOut[oi + e] * v[vj + e];
            dv[vj + e] += w * dOut[oi + e];
          }
          dP[j] = dw * z;
          rowDot += probs[pi + j] * dP[j];
        }
        for (let j = 0; j < S; j++) {
          const ds = probs[pi + j] * (dP[j] - rowDot);
          if (dMask) dMask[pi + j] = ds;
          const kj = (kv * S + j) * E;
          for (let e = 0; e < E; e++) {
            dq[qi + e] += scale * ds * k[kj + e];
            dk[kj + e] += scale * ds * q[qi + e];
          }
        }
      }
    }
  }
  const grads = { dq: toLayout(dq, lay.dq, dims.dq), dk: toLayout(dk, lay.dk, dims.dk), dv: toLayout(dv, lay.dv, dims.dv) };
  return dMask ? { ...grads, dMask } : grads;
}
