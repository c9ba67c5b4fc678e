/**
 * Strided layouts of the attention kernels' (batch, heads, len, features) arrays: validation,
 * and the plain JavaScript copies between a layout and dense row-major that the JavaScript
 * kernels use (the WebAssembly staging gathers and scatters in the module instead).
 */
import type { AttentionArgs, AttentionArray, AttentionLayout, AttentionLayouts } from './attention-args.js';

/** The sizes (B, H, T, D) of an operand. */
export type OperandDims = [number, number, number, number];

/** The (B, H, T, D) sizes of each array that `layouts` can describe. */
export function operandDims(args: AttentionArgs<AttentionArray>): Record<keyof AttentionLayouts, OperandDims> {
  const { batch: B, headsQ: Hq, headsKv: Hkv, lenQ: L, lenKv: S, dim: E, dimV: Ev } = args;
  const q: OperandDims = [B, Hq, L, E];
  const k: OperandDims = [B, Hkv, S, E];
  const v: OperandDims = [B, Hkv, S, Ev];
  const out: OperandDims = [B, Hq, L, Ev];
  return { q, k, v, out, dOut: out, dq: q, dk: k, dv: v };
}

/** Indices lo .. hi-1 that `layout` reaches over `dims`, or null when dims hold no element. */
export function layoutSpan(layout: AttentionLayout, dims: OperandDims): { lo: number; hi: number } | null {
  if (dims.some((n) => n === 0)) return null;
  let lo = layout.offset;
  let hi = layout.offset + dims[3];
  for (let d = 0; d < 3; d++) {
    const reach = layout.strides[d] * (dims[d] - 1);
    if (reach < 0) lo += reach;
    else hi += reach;
  }
  return { lo, hi };
}

/** Whether `layout` places the B·H·T·D elements of `dims` exactly once each in 0 .. B·H·T·D - 1. */
function isDensePermutation(layout: AttentionLayout, dims: OperandDims): boolean {
  if (dims.some((n) => n === 0)) return true;
  if (layout.offset !== 0) return false;
  const used = [0, 1, 2].filter((d) => dims[d] > 1).sort((a, b) => layout.strides[a] - layout.strides[b]);
  let next = dims[3];
  for (const d of used) {
    if (layout.strides[d] !== next) return false;
    next *= dims[d];
  }
  return true;
}

const readNames = ['q', 'k', 'v', 'dOut'] as const;
const resultNames = ['out', 'dq', 'dk', 'dv'] as const;

/**
 * Validates the form of `args.layouts`: three integer strides and an integer offset each,
 * results (out, dq, dk, dv) dense in some order. Whether read layouts stay inside their
 * arrays is checked with the arrays.
 */
export function checkLayouts(fn: string, args: AttentionArgs<AttentionArray>): void {
  const layouts = args.layouts;
  if (layouts === undefined) return;
  const dims = operandDims(args);
  for (const name of [...readNames, ...resultNames]) {
    const layout = layouts[name];
    if (layout === undefined) continue;
    const { strides, offset } = layout;
    if (!Array.isArray(strides) || strides.length !== 3 || !strides.every(Number.isInteger)) {
      throw new Error(`${fn}: layouts.${name}.strides must be 3 integers over (batch, heads, len), got [${strides}]`);
    }
    if (!Number.isInteger(offset)) throw new Error(`${fn}: layouts.${name}.offset must be an integer, got ${offset}`);
    if ((resultNames as readonly string[]).includes(name) && !isDensePermutation(layout, dims[name])) {
      throw new Error(
        `${fn}: layouts.${name} (strides [${strides}], offset ${offset}) must lay out (B, H, T, D) = [${dims[name]}] ` +
          'densely: some order of (B, H, T) over contiguous features, offset 0',
      );
    }
  }
}

/** Row-major index of row (b, h, t) of dims, and its index in `layout`, for every row. */
function forEachRow(dims: OperandDims, layout: AttentionLayout, fn: (dense: number, strided: number) => void): void {
  const [B, H, T, D] = dims;
  const [sb, sh, st] = layout.strides;
  let dense = 0;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let t = 0, at = layout.offset + b * sb + h * sh; t < T; t++, at += st, dense += D) fn(dense, at);
    }
  }
}

/** The operand `arr` read through `layout` as a dense row-major copy; `arr` itself without a layout. */
export function fromLayout<T extends AttentionArray>(arr: T, layout: AttentionLayout | undefined, dims: OperandDims): T {
  if (layout === undefined) return arr;
  const D = dims[3];
  const dense = new (arr.constructor as new (n: number) => T)(dims[0] * dims[1] * dims[2] * D);
  forEachRow(dims, layout, (d, s) => {
    for (let e = 0; e < D; e++) dense[d + e] = arr[s + e];
  });
  return dense;
}

/** The dense row-major operand `dense` copied into a new array laid out by `layout`; `dense` itself without one. */
export function toLayout<T extends AttentionArray>(dense: T, layout: AttentionLayout | undefined, dims: OperandDims): T {
  if (layout === undefined) return dense;
  const D = dims[3];
  const out = new (dense.constructor as new (n: number) => T)(dense.length);
  forEachRow(dims, layout, (d, s) => {
    for (let e = 0; e < D; e++) out[s + e] = dense[d + e];
  });
  return out;
}

/** `args` with q, k, v copied dense and no layouts: what the JavaScript kernels read. */
export function denseAttentionArgs<T extends AttentionArray>(args: AttentionArgs<T>): AttentionArgs<T> {
  const layouts = args.layouts;
  if (layouts === undefined) return args;
  const dims = operandDims(args);
  const { layouts: _omit, ...rest } = args;
  return {
    ...rest,
    q: fromLayout(args.q, layouts.q, dims.q),
    k: fromLayout(args.k, layouts.k, dims.k),
    v: fromLayout(args.v, layouts.v, dims.v),
  };
}
