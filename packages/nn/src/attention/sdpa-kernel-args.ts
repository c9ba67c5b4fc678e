// Hands tensors to the fused attention kernels as (B, H, ·, ·) typed arrays: read in place
// through strides where they allow (a head-split view of a projection), else packed, and
// wraps the kernels' results (laid out in their operand's order) back into tensors.
import { Storage, Tensor, contiguous, expand, shapesEqual } from '@tsgrad/core';
import type { AttentionArgs, AttentionArray, AttentionLayout, AttentionLayouts, AttentionMask } from '@tsgrad/ops';
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

/** An operand of the kernels: its array, and its layout there when it is not dense row-major. */
export interface KernelOperand {
  data: AttentionArray;
  layout?: AttentionLayout;
}

/**
 * `t` broadcast to `shape` = [...batch, T, D] as a kernel operand: its storage read through a
 * (batch, heads, T) layout when its features are contiguous and its outer batch dims merge
 * into one stride, else a packed copy.
 */
export function operand(t: Tensor, shape: readonly number[]): KernelOperand {
  const full = shapesEqual(t.shape, shape) ? t : expand(t, shape);
  const data = full.storage.data as AttentionArray;
  if (full.isContiguous() && full.offset === 0 && data.length === full.size) return { data };
  const nb = shape.length - 2;
  const outer = mergedStride(shape.slice(0, Math.max(nb - 1, 0)), full.strides.slice(0, Math.max(nb - 1, 0)));
  if (outer === null || (shape[nb + 1]! > 1 && full.strides[nb + 1] !== 1)) return { data: packed(t, shape) };
  const head = nb > 0 ? full.strides[nb - 1]! : 0;
  return { data, layout: { strides: [outer, head, full.strides[nb]!], offset: full.offset } };
}

/**
 * The layout of a result shaped like an operand with layout `read` over dims (B, H, T, D):
 * dense, with (batch, heads, T) ordered as their strides in `read` (as PyTorch preserves a
 * dense input's memory format), so transposing the result back is free. Undefined (row-major)
 * for a row-major operand or one read through broadcast (zero) strides.
 */
export function resultLayout(read: AttentionLayout | undefined, dims: readonly number[]): AttentionLayout | undefined {
  if (read === undefined || read.strides.some((s, d) => s === 0 && dims[d]! > 1)) return undefined;
  const order = [0, 1, 2].sort((a, b) => Math.abs(read.strides[b]) - Math.abs(read.strides[a]) || a - b);
  if (order[0] === 0 && order[1] === 1) return undefined;
  const strides: [number, number, number] = [0, 0, 0];
  let next = dims[3]!;
  for (let i = 2; i >= 0; i--) {
    strides[order[i]!] = next;
    next *= dims[order[i]!]!;
  }
  return { strides, offset: 0 };
}

/**
 * Wraps a kernel result (B, H, T, D) laid out by `layout` (dense, see resultLayout) as a tensor
 * of shape [...batch, T, D]: the outer batch dims row-major over the layout's batch stride.
 */
export function resultTensor(data: AttentionArray, batch: readonly number[], T: number, D: number, layout?: AttentionLayout): Tensor {
  const shape = [...batch, T, D];
  if (layout === undefined) return Tensor.fromData(data, shape);
  const [sb, sh, st] = layout.strides;
  const strides = new Array<number>(shape.length);
  strides[shape.length - 1] = 1;
  strides[shape.length - 2] = st;
  if (batch.length > 0) strides[batch.length - 1] = sh;
  for (let d = batch.length - 2, s = sb; d >= 0; d--) {
    strides[d] = s;
    s *= batch[d]!;
  }
  return new Tensor(new Storage(data), shape, strides, 0);
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

/**
 * The kernels' arguments for q, k, v and the plan: operands and masks read in place where
 * their strides allow; out, dq, dk, dv laid out in the order of their operands.
 */
export function kernelArgs(q: Tensor, k: Tensor, v: Tensor, plan: AttentionPlan): AttentionArgs<AttentionArray> {
  const { batch, kvBatch, L, S, E, Ev, B, Hq, Hkv } = plan;
  const qa = operand(q, [...batch, L, E]);
  const ka = operand(k, [...kvBatch, S, E]);
  const va = operand(v, [...kvBatch, S, Ev]);
  const layouts: AttentionLayouts = {};
  const set = (name: keyof AttentionLayouts, layout: AttentionLayout | undefined): void => {
    if (layout !== undefined) layouts[name] = layout;
  };
  set('q', qa.layout);
  set('k', ka.layout);
  set('v', va.layout);
  set('out', resultLayout(qa.layout, [B, Hq, L, Ev]));
  set('dq', resultLayout(qa.layout, [B, Hq, L, E]));
  set('dk', resultLayout(ka.layout, [B, Hkv, S, E]));
  set('dv', resultLayout(va.layout, [B, Hkv, S, Ev]));
  const args: AttentionArgs<AttentionArray> = {
    batch: plan.B,
    headsQ: plan.Hq,
    headsKv: plan.Hkv,
    lenQ: L,
    lenKv: S,
    dim: E,
    dimV: Ev,
    q: qa.data,
    k: ka.data,
    v: va.data,
    scale: plan.scale,
    causal: plan.causal,
    dropoutP: plan.dropoutP,
    dropoutSeed: plan.dropoutSeed,
  };
  if (Object.keys(layouts).length > 0) args.layouts = layouts;
  if (plan.maskKind === 'bool') args.boolMask = maskArg<Uint8Array>(plan.mask!, plan);
  if (plan.maskKind === 'float') args.floatMask = maskArg<AttentionArray>(plan.mask!, plan);
  return args;
}
