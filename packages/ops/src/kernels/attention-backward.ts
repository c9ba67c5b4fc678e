/**
 * Fused attention backward, FlashAttention-2 style: for each key/value block, walk the query
 * blocks of every query head that reads it, recompute the weights from q, k and the forward's
 * log-sum-exp, and accumulate dk/dv for the block and dq for the rows. Dropout decisions are
 * regenerated from the seed, so nothing of size L·S is stored (unless the float mask's
 * gradient is requested, which is L·S by nature).
 */
import { allocLike, checkBackwardArgs } from './attention-args.js';
import type { AttentionArgs, AttentionArray } from './attention-args.js';
import { ATTENTION_BLOCK_K, ATTENTION_BLOCK_Q } from './attention-forward.js';
import { parallelBackend } from '../parallel/parallel-backend.js';
import { denseAttentionArgs, fromLayout, operandDims, toLayout } from './attention-layout.js';
import { maskScoreTile } from './attention-mask-tile.js';
import { tileAccAB, tileAccAtB, tileDot } from './attention-tiles.js';
import { attentionBackwardWasm } from './attention-wasm-kernels.js';
import { dropoutBits, dropoutRowKey, dropoutThreshold } from './dropout-hash.js';

/**
 * Gradients of fused attention given the forward's `out` and `lse` and the output gradient
 * `dOut` (B, Hq, L, Ev). Returns dq, dk, dv shaped like q, k, v (dk/dv summed over the query
 * heads sharing a kv head) and, when `opts.wantMaskGrad`, the float mask's gradient as a dense
 * (B, Hq, L, S) array (zero where a key is blocked); the caller sums it down to the mask's
 * broadcast shape. Float32 runs on the WebAssembly SIMD kernels where available. `out`,
 * `dOut` and the gradients follow `args.layouts` where given.
 *
 * With P = exp(s − lse), Z the dropout factors and D = rowsum(dO∘O):
 * dv = (P∘Z)ᵀ·dO; dS = P∘((dO·vᵀ)∘Z − D); dq = scale·dS·k; dk = scale·dSᵀ·q; dMask = dS.
 */
export function attentionBackward<T extends AttentionArray>(
  args: AttentionArgs<T>,
  out: T,
  lse: Float64Array,
  dOut: T,
  opts: { wantMaskGrad: boolean },
): { dq: T; dk: T; dv: T; dMask?: T } {
  checkBackwardArgs('attentionBackward', args, out, lse, dOut);
  if (args.q instanceof Float32Array) {
    const a32 = args as unknown as AttentionArgs<Float32Array>;
    const r =
      parallelBackend()?.attentionBackward(a32, out as Float32Array, lse, dOut as Float32Array, opts.wantMaskGrad) ??
      attentionBackwardWasm(a32, out as Float32Array, lse, dOut as Float32Array, opts.wantMaskGrad);
    if (r !== null) return r as unknown as { dq: T; dk: T; dv: T; dMask?: T };
  }
  return backwardJsLaidOut(args, out, lse, dOut, opts.wantMaskGrad);
}

/** {@link attentionBackward} in plain JavaScript, for either element type. */
export function attentionBackwardJs<T extends AttentionArray>(
  args: AttentionArgs<T>,
  out: T,
  lse: Float64Array,
  dOut: T,
  opts: { wantMaskGrad: boolean },
): { dq: T; dk: T; dv: T; dMask?: T } {
  checkBackwardArgs('attentionBackwardJs', args, out, lse, dOut);
  return backwardJsLaidOut(args, out, lse, dOut, opts.wantMaskGrad);
}

/** backwardJs on dense copies of strided operands, with dq, dk, dv returned in their layouts. */
function backwardJsLaidOut<T extends AttentionArray>(
  args: AttentionArgs<T>,
  out: T,
  lse: Float64Array,
  dOut: T,
  wantMaskGrad: boolean,
): { dq: T; dk: T; dv: T; dMask?: T } {
  const dims = operandDims(args);
  const lay = args.layouts ?? {};
  const g = backwardJs(denseAttentionArgs(args), fromLayout(out, lay.out, dims.out), lse, fromLayout(dOut, lay.dOut, dims.dOut), wantMaskGrad);
  return { ...g, dq: toLayout(g.dq, lay.dq, dims.dq), dk: toLayout(g.dk, lay.dk, dims.dk), dv: toLayout(g.dv, lay.dv, dims.dv) };
}

function backwardJs<T extends AttentionArray>(
  args: AttentionArgs<T>,
  out: T,
  lse: Float64Array,
  dOut: T,
  wantMaskGrad: boolean,
): { dq: T; dk: T; dv: T; dMask?: T } {
  const { batch: B, headsQ: Hq, headsKv: Hkv, lenQ: L, lenKv: S, dim: E, dimV: Ev, q, k, v } = args;
  const { scale, causal, dropoutP, dropoutSeed } = args;
  const dq = allocLike(q, q.length);
  const dk = allocLike(q, k.length);
  const dv = allocLike(q, v.length);
  const dMask = wantMaskGrad ? allocLike(q, B * Hq * L * S) : undefined;
  const result = dMask ? { dq, dk, dv, dMask } : { dq, dk, dv };
  if (L === 0 || S === 0) return result;

  // D_i = dO_i · O_i equals rowsum(P∘dP), dropout included.
  const rowDot = new Float64Array(B * Hq * L);
  for (let r = 0; r < rowDot.length; r++) {
    let s = 0;
    for (let e = 0, o = r * Ev; e < Ev; e++, o++) s += dOut[o] * out[o];
    rowDot[r] = s;
  }

  const group = Hq / Hkv;
  const masked = causal || args.boolMask !== undefined || args.floatMask !== undefined;
  const dropout = dropoutP > 0;
  const threshold = dropoutThreshold(dropoutP);
  const keepScale = dropoutP < 1 ? 1 / (1 - dropoutP) : 0;
  const br = Math.min(ATTENTION_BLOCK_Q, L);
  const bc = Math.min(ATTENTION_BLOCK_K, S);
  const pTile = allocLike(q, br * bc);
  const dsTile = allocLike(q, br * bc);

  for (let b = 0; b < B; b++) {
    for (let kvh = 0; kvh < Hkv; kvh++) {
      const kvRow = (b * Hkv + kvh) * S;
      for (let j0 = 0; j0 < S; j0 += bc) {
        const cols = Math.min(bc, S - j0);
        const kOff = (kvRow + j0) * E;
        const vOff = (kvRow + j0) * Ev;
        for (let h = kvh * group; h < (kvh + 1) * group; h++) {
          const qRow = (b * Hq + h) * L;
          // Causal: query rows before the block's first key see none of it.
          for (let i0 = causal ? j0 : 0; i0 < L; i0 += br) {
            const rows = Math.min(br, L - i0);
            const qOff = (qRow + i0) * E;
            const oOff = (qRow + i0) * Ev;
            tileDot(q, qOff, E, k, kOff, E, E, rows, cols, scale, pTile, 0, bc);
            if (masked) maskScoreTile(args, pTile, bc, rows, cols, b, h, i0, j0);
            tileDot(dOut, oOff, Ev, v, vOff, Ev, Ev, rows, cols, 1, dsTile, 0, bc);
            for (let r = 0; r < rows; r++) {
              const t = r * bc;
              const l = lse[qRow + i0 + r];
              if (l === -Infinity) {
                // A fully blocked row: zero weights and zero gradients, not exp(NaN).
                for (let c = 0; c < cols; c++) {
                  pTile[t + c] = 0;
                  dsTile[t + c] = 0;
                }
                continue;
              }
              const d = rowDot[qRow + i0 + r];
              const key = dropout ? dropoutRowKey(dropoutSeed, b, h, i0 + r) : 0;
              const m = dMask === undefined ? -1 : (qRow + i0 + r) * S + j0;
              for (let c = 0; c < cols; c++) {
                const p = Math.exp(pTile[t + c] - l);
                let z = 1;
                if (dropout) z = dropoutBits(key, j0 + c) >= threshold ? keepScale : 0;
                const ds = p * (dsTile[t + c] * z - d);
                if (m >= 0) (dMask as T)[m + c] = ds;
                dsTile[t + c] = scale * ds;
                pTile[t + c] = p * z;
              }
            }
            tileAccAtB(pTile, 0, bc, dOut, oOff, Ev, cols, Ev, rows, dv, vOff, Ev);
            tileAccAB(dsTile, 0, bc, k, kOff, E, rows, E, cols, dq, qOff, E);
            tileAccAtB(dsTile, 0, bc, q, qOff, E, cols, E, rows, dk, kOff, E);
          }
        }
      }
    }
  }
  return result;
}
