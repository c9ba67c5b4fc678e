/**
 * Fused attention forward, FlashAttention-2 style: for each block of query rows, stream the
 * key/value blocks through a score tile with an online softmax (running row max and sum), so
 * extra memory is O(block sizes) and the (L, S) weights never exist.
 */
import { allocLike, checkAttentionArgs } from './attention-args.js';
import type { AttentionArgs, AttentionArray } from './attention-args.js';
import { parallelBackend } from '../parallel/parallel-backend.js';
import { denseAttentionArgs, operandDims, toLayout } from './attention-layout.js';
import { maskScoreTile } from './attention-mask-tile.js';
import { tileAccAB, tileDot } from './attention-tiles.js';
import { attentionForwardWasm } from './attention-wasm-kernels.js';
import { dropoutBits, dropoutRowKey, dropoutThreshold } from './dropout-hash.js';

/** Query rows per block: the output rows that stay hot while the key blocks stream past. */
export const ATTENTION_BLOCK_Q = 64;
/** Keys per block: a score tile of BLOCK_Q × BLOCK_K stays in L1 alongside its k/v rows. */
export const ATTENTION_BLOCK_K = 64;

/**
 * Fused scaled-dot-product attention (see {@link AttentionArgs} for the semantics).
 * Returns `out` (B, Hq, L, Ev) and the per-row log-sum-exp of the masked, scaled scores
 * `lse` (B, Hq, L), -Infinity for rows whose keys are all blocked (their output is zero);
 * {@link attentionBackward} needs both. Causal runs skip key blocks past the diagonal.
 * Operands and out follow `args.layouts` where given.
 * Float32 runs on the WebAssembly SIMD kernels where available, float64 in JavaScript.
 */
export function attentionForward<T extends AttentionArray>(args: AttentionArgs<T>): { out: T; lse: Float64Array } {
  checkAttentionArgs('attentionForward', args);
  if (args.q instanceof Float32Array) {
    const a32 = args as unknown as AttentionArgs<Float32Array>;
    const r = parallelBackend()?.attentionForward(a32) ?? attentionForwardWasm(a32);
    if (r !== null) return r as unknown as { out: T; lse: Float64Array };
  }
  return forwardJsLaidOut(args);
}

/** {@link attentionForward} in plain JavaScript, for either element type. */
export function attentionForwardJs<T extends AttentionArray>(args: AttentionArgs<T>): { out: T; lse: Float64Array } {
  checkAttentionArgs('attentionForwardJs', args);
  return forwardJsLaidOut(args);
}

/** forwardJs on dense copies of strided operands, with out returned in its layout. */
function forwardJsLaidOut<T extends AttentionArray>(args: AttentionArgs<T>): { out: T; lse: Float64Array } {
  const { out, lse } = forwardJs(denseAttentionArgs(args));
  return { out: toLayout(out, args.layouts?.out, operandDims(args).out), lse };
}

function forwardJs<T extends AttentionArray>(args: AttentionArgs<T>): { out: T; lse: Float64Array } {
  const { batch: B, headsQ: Hq, headsKv: Hkv, lenQ: L, lenKv: S, dim: E, dimV: Ev, q, k, v } = args;
  const { scale, causal, dropoutP, dropoutSeed } = args;
  const out = allocLike(q, B * Hq * L * Ev);
  const lse = new Float64Array(B * Hq * L).fill(-Infinity);
  if (L === 0 || S === 0) return { out, lse };

  const group = Hq / Hkv;
  const masked = causal || args.boolMask !== undefined || args.floatMask !== undefined;
  const dropout = dropoutP > 0;
  const threshold = dropoutThreshold(dropoutP);
  const keepScale = dropoutP < 1 ? 1 / (1 - dropoutP) : 0;
  const br = Math.min(ATTENTION_BLOCK_Q, L);
  const bc = Math.min(ATTENTION_BLOCK_K, S);
  const tile = allocLike(q, br * bc);
  const rowMax = new Float64Array(br);
  const rowSum = new Float64Array(br);

  for (let b = 0; b < B; b++) {
    for (let h = 0; h < Hq; h++) {
      const kvRow = (b * Hkv + Math.floor(h / group)) * S;
      const qRow = (b * Hq + h) * L;
      for (let i0 = 0; i0 < L; i0 += br) {
        const rows = Math.min(br, L - i0);
        const qOff = (qRow + i0) * E;
        const oOff = (qRow + i0) * Ev;
        rowMax.fill(-Infinity);
        rowSum.fill(0);
        const jEnd = causal ? Math.min(S, i0 + rows) : S;
        for (let j0 = 0; j0 < jEnd; j0 += bc) {
          const cols = Math.min(bc, jEnd - j0);
          tileDot(q, qOff, E, k, (kvRow + j0) * E, E, E, rows, cols, scale, tile, 0, bc);
          if (masked) maskScoreTile(args, tile, bc, rows, cols, b, h, i0, j0);
          for (let r = 0; r < rows; r++) {
            const t = r * bc;
            let mx = -Infinity;
            for (let c = 0; c < cols; c++) if (tile[t + c] > mx) mx = tile[t + c];
            const mOld = rowMax[r];
            const mNew = mx > mOld ? mx : mOld;
            if (mNew === -Infinity) {
              // Nothing visible in this row so far: exp(-inf - -inf) would be NaN.
              for (let c = 0; c < cols; c++) tile[t + c] = 0;
              continue;
            }
            let sum = 0;
            for (let c = 0; c < cols; c++) {
              const p = Math.exp(tile[t + c] - mNew);
              tile[t + c] = p;
              sum += p;
            }
            const alpha = Math.exp(mOld - mNew);
            rowSum[r] = rowSum[r] * alpha + sum;
            rowMax[r] = mNew;
            if (alpha !== 1) {
              const o = oOff + r * Ev;
              for (let e = 0; e < Ev; e++) out[o + e] *= alpha;
            }
            if (dropout) {
              const key = dropoutRowKey(dropoutSeed, b, h, i0 + r);
              for (let c = 0; c < cols; c++) {
                tile[t + c] = dropoutBits(key, j0 + c) >= threshold ? tile[t + c] * keepScale : 0;
              }
            }
          }
          tileAccAB(tile, 0, bc, v, (kvRow + j0) * Ev, Ev, rows, Ev, cols, out, oOff, Ev);
        }
        for (let r = 0; r < rows; r++) {
          const m = rowMax[r];
          if (m === -Infinity) continue;
          const l = rowSum[r];
          const inv = 1 / l;
          const o = oOff + r * Ev;
          for (let e = 0; e < Ev; e++) out[o + e] *= inv;
          lse[qRow + i0 + r] = m + Math.log(l);
        }
      }
    }
  }
  return { out, lse };
}
