import { checkLayouts, layoutSpan } from './attention-layout.js';

/** Float element types the attention kernels accept; q, k, v, masks and results share one. */
export type AttentionArray = Float32Array | Float64Array;

/**
 * A mask read through strides over the logical (B, Hq, L, S) index space, so a (L, S) mask
 * serves every batch and head without a copy: element (b, h, i, j) lives at
 * `data[offset + b*strides[0] + h*strides[1] + i*strides[2] + j*strides[3]]`.
 * Strides may be 0 (broadcast) or negative; every reachable index must lie inside `data`.
 */
export interface AttentionMask<D> {
  /** Storage the mask is read from (shared, never copied). */
  data: D;
  /** Element strides of the (B, Hq, L, S) dimensions; 0 repeats the mask along that dimension. */
  strides: [number, number, number, number];
  /** Index in `data` of element (0, 0, 0, 0). */
  offset: number;
}

/**
 * Where a (batch, heads, len, features) operand's elements lie in its array, for one that is
 * not dense row-major (a transposed or sliced view): element (b, h, t, e) is at
 * `offset + b*strides[0] + h*strides[1] + t*strides[2] + e` (the features are contiguous).
 */
export interface AttentionLayout {
  /** Element strides of the (batch, heads, len) dimensions; 0 repeats along that dimension. */
  strides: [number, number, number];
  /** Index of element (0, 0, 0, 0). */
  offset: number;
}

/**
 * Layouts of the kernels' (batch, heads, len, features) arrays; an absent entry means dense
 * row-major. Operands only read (q, k, v, dOut) may have any strides that stay inside their
 * arrays. Arrays the kernels allocate (out, dq, dk, dv) must be dense in some order of
 * (batch, heads, len) with the features innermost and offset 0, e.g. (B, L, H, E) storage for a
 * (B, H, L, E) result so that transposing it back is free; the backward reads the forward's
 * out through the same layout.
 */
export interface AttentionLayouts {
  /** Queries (B, Hq, L, E) in `q`. */
  q?: AttentionLayout;
  /** Keys (B, Hkv, S, E) in `k`. */
  k?: AttentionLayout;
  /** Values (B, Hkv, S, Ev) in `v`. */
  v?: AttentionLayout;
  /** The forward's output (B, Hq, L, Ev): written by the forward, read back by the backward. */
  out?: AttentionLayout;
  /** The output gradient (B, Hq, L, Ev) handed to the backward. */
  dOut?: AttentionLayout;
  /** The backward's dq (B, Hq, L, E). */
  dq?: AttentionLayout;
  /** The backward's dk (B, Hkv, S, E). */
  dk?: AttentionLayout;
  /** The backward's dv (B, Hkv, S, Ev). */
  dv?: AttentionLayout;
}

/**
 * Inputs of the fused scaled-dot-product-attention kernels (PyTorch semantics).
 *
 * - `q` (B, Hq, L, E), `k` (B, Hkv, S, E), `v` (B, Hkv, S, Ev): one element type, contiguous
 *   row-major unless `layouts` says otherwise. Query head h reads kv head floor(h / (Hq / Hkv))
 *   (grouped-query attention).
 * - scores = `scale` · q·kᵀ (+ `floatMask`); `boolMask` 0 blocks a key (non-zero = may
 *   attend); `causal` blocks keys j > i (top-left aligned, also when L ≠ S).
 * - Softmax over S subtracting the row max; a row with every key blocked gets zero weights.
 * - Dropout on the weights with probability `dropoutP` (kept weights scaled by 1/(1-p)),
 *   decided by {@link dropoutKeep}(dropoutSeed, b, h, i, j, p) with h the query head.
 */
export interface AttentionArgs<T extends AttentionArray> {
  /** B: batch size. */
  batch: number;
  /** Hq: query heads; a multiple of headsKv. */
  headsQ: number;
  /** Hkv: key/value heads (Hq for plain multi-head attention, 1 for multi-query). */
  headsKv: number;
  /** L: query positions. */
  lenQ: number;
  /** S: key/value positions. */
  lenKv: number;
  /** E: query/key feature size. */
  dim: number;
  /** Ev: value feature size (the output's last dimension). */
  dimV: number;
  /** Queries (B, Hq, L, E). */
  q: T;
  /** Keys (B, Hkv, S, E). */
  k: T;
  /** Values (B, Hkv, S, Ev). */
  v: T;
  /** Score scale; callers default it to 1/sqrt(E). Must be finite. */
  scale: number;
  /** Block keys j > i (top-left aligned). */
  causal: boolean;
  /** 0 = blocked, anything else = may attend; combines with causal and floatMask. */
  boolMask?: AttentionMask<Uint8Array>;
  /** Added to the scores (-Infinity blocks); its gradient is dS. */
  floatMask?: AttentionMask<T>;
  /** Drop probability in [0, 1]; 0 disables dropout. */
  dropoutP: number;
  /** Integer seed of the dropout mask, taken modulo 2^32. */
  dropoutSeed: number;
  /** Strided layouts of q, k, v, out, dOut and the gradients (default: all dense row-major). */
  layouts?: AttentionLayouts;
}

/** A zero-filled array of the same element type as `like`. */
export function allocLike<T extends AttentionArray>(like: T, length: number): T {
  const Ctor = like.constructor as new (n: number) => T;
  return new Ctor(length);
}

function checkCount(fn: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${fn}: ${name} must be a non-negative integer, got ${value}`);
  }
}

/** Throws unless `arr` has exactly `expected` elements of the element type of `like`. */
export function checkArray(
  fn: string,
  name: string,
  arr: unknown,
  like: AttentionArray,
  expected: number,
  shape: string,
): void {
  if (!(arr instanceof Float32Array || arr instanceof Float64Array)) {
    throw new Error(`${fn}: ${name} must be a Float32Array or Float64Array`);
  }
  if (arr.constructor !== like.constructor) {
    throw new Error(`${fn}: ${name} is a ${arr.constructor.name} but q is a ${like.constructor.name}`);
  }
  if (arr.length !== expected) {
    throw new Error(`${fn}: ${name} has length ${arr.length}, expected ${shape} = ${expected}`);
  }
}

/**
 * Throws unless `arr` is an array like `like` holding a (B, H, T, D) operand: exactly
 * B·H·T·D elements when dense, every element `layout` reaches otherwise.
 */
export function checkOperand(
  fn: string, name: string, arr: unknown, like: AttentionArray, layout: AttentionLayout | undefined,
  dims: [number, number, number, number], shape: string,
): void {
  if (layout === undefined) {
    checkArray(fn, name, arr, like, dims[0] * dims[1] * dims[2] * dims[3], shape);
    return;
  }
  checkArray(fn, name, arr, like, (arr as AttentionArray | undefined)?.length ?? 0, shape);
  const span = layoutSpan(layout, dims);
  if (span !== null && (span.lo < 0 || span.hi > (arr as AttentionArray).length)) {
    throw new Error(
      `${fn}: ${name} with layout strides [${layout.strides}] and offset ${layout.offset} reads indices ` +
        `${span.lo}..${span.hi - 1} over (B, H, T, D) = [${dims}], but its array has length ${(arr as AttentionArray).length}`,
    );
  }
}

function checkMask(
  fn: string,
  name: string,
  mask: AttentionMask<ArrayLike<number>>,
  dims: [number, number, number, number],
): void {
  const { strides, offset } = mask;
  if (!Array.isArray(strides) || strides.length !== 4 || !strides.every(Number.isInteger)) {
    throw new Error(`${fn}: ${name}.strides must be 4 integers over (B, Hq, L, S), got [${strides}]`);
  }
  if (!Number.isInteger(offset)) throw new Error(`${fn}: ${name}.offset must be an integer, got ${offset}`);
  if (dims.some((n) => n === 0)) return;
  let lo = offset;
  let hi = offset;
  for (let d = 0; d < 4; d++) {
    const reach = strides[d] * (dims[d] - 1);
    if (reach < 0) lo += reach;
    else hi += reach;
  }
  if (lo < 0 || hi >= mask.data.length) {
    throw new Error(
      `${fn}: ${name} with strides [${strides}] and offset ${offset} reads indices ${lo}..${hi} ` +
        `over (B, Hq, L, S) = [${dims}], but its data has length ${mask.data.length}`,
    );
  }
}

/** Validates every field of `args`; `fn` names the calling kernel in error messages. */
export function checkAttentionArgs<T extends AttentionArray>(fn: string, args: AttentionArgs<T>): void {
  const { batch: B, headsQ: Hq, headsKv: Hkv, lenQ: L, lenKv: S, dim: E, dimV: Ev } = args;
  checkCount(fn, 'batch', B);
  checkCount(fn, 'headsQ', Hq);
  checkCount(fn, 'headsKv', Hkv);
  checkCount(fn, 'lenQ', L);
  checkCount(fn, 'lenKv', S);
  checkCount(fn, 'dim', E);
  checkCount(fn, 'dimV', Ev);
  if (Hkv === 0 || Hq % Hkv !== 0) {
    throw new Error(`${fn}: headsQ (${Hq}) must be a multiple of headsKv (${Hkv})`);
  }
  const { q } = args;
  if (!(q instanceof Float32Array || q instanceof Float64Array)) {
    throw new Error(`${fn}: q must be a Float32Array or Float64Array`);
  }
  checkLayouts(fn, args);
  const lay = args.layouts;
  checkOperand(fn, 'q', q, q, lay?.q, [B, Hq, L, E], `B*Hq*L*E = ${B}*${Hq}*${L}*${E}`);
  checkOperand(fn, 'k', args.k, q, lay?.k, [B, Hkv, S, E], `B*Hkv*S*E = ${B}*${Hkv}*${S}*${E}`);
  checkOperand(fn, 'v', args.v, q, lay?.v, [B, Hkv, S, Ev], `B*Hkv*S*Ev = ${B}*${Hkv}*${S}*${Ev}`);
  if (!Number.isFinite(args.scale)) throw new Error(`${fn}: scale must be finite, got ${args.scale}`);
  if (typeof args.causal !== 'boolean') throw new Error(`${fn}: causal must be a boolean`);
  const p = args.dropoutP;
  if (!(p >= 0 && p <= 1)) throw new Error(`${fn}: dropoutP must lie in [0, 1], got ${p}`);
  if (!Number.isInteger(args.dropoutSeed)) {
    throw new Error(`${fn}: dropoutSeed must be an integer, got ${args.dropoutSeed}`);
  }
  const dims: [number, number, number, number] = [B, Hq, L, S];
  if (args.boolMask !== undefined) {
    if (!(args.boolMask.data instanceof Uint8Array)) throw new Error(`${fn}: boolMask.data must be a Uint8Array`);
    checkMask(fn, 'boolMask', args.boolMask, dims);
  }
  if (args.floatMask !== undefined) {
    const d = args.floatMask.data;
    if (!(d instanceof Float32Array || d instanceof Float64Array) || d.constructor !== q.constructor) {
      throw new Error(`${fn}: floatMask.data must be a ${q.constructor.name} like q`);
    }
    checkMask(fn, 'floatMask', args.floatMask, dims);
  }
}

/** Validates `args` and the forward results and output gradient handed to a backward kernel. */
export function checkBackwardArgs<T extends AttentionArray>(
  fn: string,
  args: AttentionArgs<T>,
  out: T,
  lse: Float64Array,
  dOut: T,
): void {
  checkAttentionArgs(fn, args);
  const { batch: B, headsQ: Hq, lenQ: L, dimV: Ev } = args;
  const outShape = `B*Hq*L*Ev = ${B}*${Hq}*${L}*${Ev}`;
  checkArray(fn, 'out', out, args.q, B * Hq * L * Ev, outShape);
  checkOperand(fn, 'dOut', dOut, args.q, args.layouts?.dOut, [B, Hq, L, Ev], outShape);
  if (!(lse instanceof Float64Array) || lse.length !== B * Hq * L) {
    throw new Error(`${fn}: lse must be a Float64Array of length B*Hq*L = ${B}*${Hq}*${L} = ${B * Hq * L}`);
  }
}
