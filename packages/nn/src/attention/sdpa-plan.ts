import {
  ArgumentError,
  DTypeError,
  ShapeError,
  Tensor,
  canBroadcastTo,
  cast,
  defaultGenerator,
  fmtShape,
  isFloat,
  type FloatDType,
} from '@tsgrad/core';
import type { SdpaOptions } from './sdpa-options.js';

const FN = 'scaledDotProductAttention';

/**
 * Everything both attention implementations need, validated once. Scores have shape
 * `[...batch, L, S]`; the kernels see the batch as (B, Hq): the last batch dim is the head
 * dim (Hq = 1 without batch dims) and B the product of the others. Dropout decisions are
 * keyed on (b, h, i, j) in that layout, so both implementations drop the same weights.
 */
export interface AttentionPlan {
  readonly dtype: FloatDType;
  /** Broadcast batch dims of the scores and output (GQA: outer dims then Hq). */
  readonly batch: readonly number[];
  /** Batch dims key and value are expanded to (GQA: outer dims then Hkv). */
  readonly kvBatch: readonly number[];
  readonly L: number;
  readonly S: number;
  readonly E: number;
  readonly Ev: number;
  readonly B: number;
  readonly Hq: number;
  readonly Hkv: number;
  readonly scale: number;
  /** The mask (a float mask cast to `dtype`), or null. */
  readonly mask: Tensor | null;
  readonly maskKind: 'none' | 'bool' | 'float';
  readonly causal: boolean;
  readonly dropoutP: number;
  /** Seed of the counter-based dropout (drawn from the generator only when dropoutP > 0). */
  readonly dropoutSeed: number;
}

function broadcastBatch(shapes: readonly (readonly number[])[], describe: () => string, hint: string): number[] {
  const n = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let size = 1;
    for (const s of shapes) {
      const d = s[s.length - n + i] ?? 1;
      if (d === 1) continue;
      if (size !== 1 && size !== d) throw new ShapeError(`${FN}: batch dims do not broadcast: ${describe()}${hint}`);
      size = d;
    }
    out.push(size);
  }
  return out;
}

function checkInputs(q: Tensor, k: Tensor, v: Tensor, minRank: number): void {
  const named: [string, Tensor][] = [['query', q], ['key', k], ['value', v]];
  for (const [name, t] of named) {
    if (!(t instanceof Tensor)) throw new ArgumentError(`${FN}: ${name} must be a Tensor`);
    if (!isFloat(t.dtype)) throw new DTypeError(`${FN}: ${name} must be float32 or float64, got ${t.dtype}`);
    if (t.ndim < minRank) {
      throw new ShapeError(
        `${FN}: ${name} must have at least ${minRank} dims (${minRank === 3 ? '..., heads, ' : '..., '}length, features), got ${fmtShape(t.shape)}`,
      );
    }
  }
  if (q.dtype !== k.dtype || q.dtype !== v.dtype) {
    throw new DTypeError(`${FN}: query, key and value must have the same dtype, got ${q.dtype}, ${k.dtype} and ${v.dtype}`);
  }
  if (q.shape[q.ndim - 1] !== k.shape[k.ndim - 1]) {
    throw new ShapeError(
      `${FN}: query and key must have the same feature size E (last dim), got query ${fmtShape(q.shape)} and key ${fmtShape(k.shape)}`,
    );
  }
  if (k.shape[k.ndim - 2] !== v.shape[v.ndim - 2]) {
    throw new ShapeError(
      `${FN}: key and value must have the same length S (dim -2), got key ${fmtShape(k.shape)} and value ${fmtShape(v.shape)}`,
    );
  }
}

function checkMask(mask: Tensor, dtype: FloatDType, scoreShape: readonly number[]): Tensor {
  if (!(mask instanceof Tensor)) throw new ArgumentError(`${FN}: attnMask must be a Tensor`);
  if (mask.dtype === 'int32') {
    throw new DTypeError(`${FN}: attnMask must be bool (true = may attend) or float (added to the scores), got int32`);
  }
  if (!canBroadcastTo(mask.shape, scoreShape)) {
    throw new ShapeError(
      `${FN}: attnMask of shape ${fmtShape(mask.shape)} does not broadcast to the scores' shape ${fmtShape(scoreShape)} (..., L, S)`,
    );
  }
  return mask.dtype === 'bool' ? mask : cast(mask, dtype);
}

/** Validates the arguments and works out shapes, layout, mask, scale and dropout seed. */
export function planAttention(q: Tensor, k: Tensor, v: Tensor, opts: SdpaOptions): AttentionPlan {
  const gqa = opts.enableGqa ?? false;
  checkInputs(q, k, v, gqa ? 3 : 2);
  const dtype = q.dtype as FloatDType;
  const [L, E] = q.shape.slice(-2) as [number, number];
  const S = k.shape[k.ndim - 2]!;
  const Ev = v.shape[v.ndim - 1]!;
  const shapes = () => `query ${fmtShape(q.shape)}, key ${fmtShape(k.shape)}, value ${fmtShape(v.shape)}`;

  let batch: number[];
  let kvBatch: number[];
  let Hq: number;
  let Hkv: number;
  if (gqa) {
    Hq = q.shape[q.ndim - 3]!;
    Hkv = k.shape[k.ndim - 3]!;
    if (v.shape[v.ndim - 3] !== Hkv) {
      throw new ShapeError(`${FN}: enableGqa: key and value must have the same number of heads (dim -3), got ${shapes()}`);
    }
    if (Hkv === 0 || Hq % Hkv !== 0) {
      throw new ShapeError(
        `${FN}: enableGqa: query heads (${Hq}) must be a multiple of key/value heads (${Hkv}) (dim -3), got ${shapes()}`,
      );
    }
    const outer = broadcastBatch([q.shape.slice(0, -3), k.shape.slice(0, -3), v.shape.slice(0, -3)], shapes, '');
    batch = [...outer, Hq];
    kvBatch = [...outer, Hkv];
  } else {
    const hint =
      q.ndim >= 3 && k.ndim >= 3 && q.shape[q.ndim - 3] !== k.shape[k.ndim - 3]
        ? ' (for fewer key/value heads than query heads pass enableGqa: true)'
        : '';
    batch = broadcastBatch([q.shape.slice(0, -2), k.shape.slice(0, -2), v.shape.slice(0, -2)], shapes, hint);
    kvBatch = batch;
    Hq = batch.length > 0 ? batch[batch.length - 1]! : 1;
    Hkv = Hq;
  }
  const B = batch.slice(0, -1).reduce((a, b) => a * b, 1);

  const scale = opts.scale ?? 1 / Math.sqrt(E);
  if (typeof scale !== 'number' || !Number.isFinite(scale)) throw new ArgumentError(`${FN}: scale must be a finite number, got ${scale}`);
  const dropoutP = opts.dropoutP ?? 0;
  if (typeof dropoutP !== 'number' || !(dropoutP >= 0 && dropoutP < 1)) {
    throw new ArgumentError(`${FN}: dropoutP must lie in [0, 1), got ${dropoutP}`);
  }
  const causal = opts.isCausal ?? false;
  if (typeof causal !== 'boolean') throw new ArgumentError(`${FN}: isCausal must be a boolean, got ${String(causal)}`);
  const raw = opts.attnMask ?? null;
  const mask = raw === null ? null : checkMask(raw, dtype, [...batch, L, S]);
  const maskKind = mask === null ? 'none' : mask.dtype === 'bool' ? 'bool' : 'float';
  const dropoutSeed = dropoutP > 0 ? (opts.generator ?? defaultGenerator).uint32() : 0;
  return { dtype, batch, kvBatch, L, S, E, Ev, B, Hq, Hkv, scale, mask, maskKind, causal, dropoutP, dropoutSeed };
}
