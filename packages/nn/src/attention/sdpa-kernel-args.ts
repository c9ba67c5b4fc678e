// Packs tensors into the contiguous (B, H, ·, ·) typed arrays the fused attention kernels read.
import { contiguous, expand, shapesEqual, type Tensor } from '@tsgrad/core';
import type { AttentionArgs, AttentionArray, AttentionMask } from '@tsgrad/ops';
import type { AttentionPlan } from './sdpa-plan.js';

/** `t` broadcast to `shape` as a row-major array (no copy when it already is one). */
export function packed(t: Tensor, shape: readonly number[]): AttentionArray {
  const full = shapesEqual(t.shape, shape) ? t : expand(t, shape);
  if (full.isContiguous() && full.offset === 0 && full.storage.data.length === full.size) {
    return full.storage.data as AttentionArray;
  }
  return full.toTypedArray() as AttentionArray;
}

/**
 * One stride that walks dims `shape` (with `strides`) in row-major order, or null when their
 * layout is not a single arithmetic progression (then the mask is copied).
 */
function mergedStride(shape: readonly number[], strides: readonly number[]): number | null {
  let merged: number | null = null;
  let span = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] === 1) continue;
    if (merged === null) merged = strides[d]!;
    else if (strides[d] !== merged * span) return null;
    span *= shape[d]!;
  }
  return merged ?? 0;
}

/** The mask read through strides over (B, Hq, L, S), broadcast dims as stride 0. */
function maskArg<D>(mask: Tensor, plan: AttentionPlan): AttentionMask<D> {
  const { batch, L, S } = plan;
  let view = expand(mask, [...batch, L, S]);
  const nb = batch.length;
  let outer = mergedStride(batch.slice(0, -1), view.strides.slice(0, Math.max(nb - 1, 0)));
  if (outer === null) {
    view = contiguous(view);
    outer = mergedStride(batch.slice(0, -1), view.strides.slice(0, Math.max(nb - 1, 0)))!;
  }
  const head = nb > 0 ? view.strides[nb - 1]! : 0;
  return {
    data: view.storage.data as D,
    strides: [outer, head, view.strides[nb]!, view.strides[nb + 1]!],
    offset: view.offset,
  };
}

/** The kernels' arguments for q, k, v and the plan (masks read in place where possible). */
export function kernelArgs(q: Tensor, k: Tensor, v: Tensor, plan: AttentionPlan): AttentionArgs<AttentionArray> {
  const { batch, kvBatch, L, S, E, Ev } = plan;
  const args: AttentionArgs<AttentionArray> = {
    batch: plan.B,
    headsQ: plan.Hq,
    headsKv: plan.Hkv,
    lenQ: L,
    lenKv: S,
    dim: E,
    dimV: Ev,
    q: packed(q, [...batch, L, E]),
    k: packed(k, [...kvBatch, S, E]),
    v: packed(v, [...kvBatch, S, Ev]),
    scale: plan.scale,
    causal: plan.causal,
    dropoutP: plan.dropoutP,
    dropoutSeed: plan.dropoutSeed,
  };
  if (plan.maskKind === 'bool') args.boolMask = maskArg<Uint8Array>(plan.mask!, plan);
  if (plan.maskKind === 'float') args.floatMask = maskArg<AttentionArray>(plan.mask!, plan);
  return args;
}
