import {
  ArgumentError,
  DTypeError,
  ShapeError,
  Tensor,
  allocate,
  broadcastStrides,
  canBroadcastTo,
  defineOp,
  fmtShape,
  isFloat,
  type Op,
} from '@tsgrad/core';
import { ropeTables, type RopeTables } from './rope-tables.js';

/** Options of `rope`. */
export interface RopeOptions {
  /** Base of the rotation frequencies (default 10000). */
  theta?: number;
  /**
   * Size of the cached cos/sin tables; positions must lie below it. Default: the next power
   * of two above the largest position, so nearby calls share one table.
   */
  maxSeqLen?: number;
}

interface RopeArgs {
  /** Position of each row of x (all dims but the last, row-major). */
  rowPos: Int32Array;
  tables: RopeTables;
  /** Rotate by −angle (the backward of a rotation is its inverse). */
  inverse: boolean;
}

function rotate(x: Tensor, { rowPos, tables, inverse }: RopeArgs): Tensor {
  const d = x.shape[x.ndim - 1]!;
  const half = d / 2;
  const src = x.toTypedArray();
  const out = allocate(x.dtype, src.length);
  const { cos, sin } = tables;
  const sign = inverse ? -1 : 1;
  for (let r = 0; r < rowPos.length; r++) {
    const base = r * d;
    const t = rowPos[r]! * half;
    for (let i = 0; i < half; i++) {
      const c = cos[t + i]!;
      const s = sign * sin[t + i]!;
      const x0 = src[base + 2 * i]!;
      const x1 = src[base + 2 * i + 1]!;
      out[base + 2 * i] = x0 * c - x1 * s;
      out[base + 2 * i + 1] = x0 * s + x1 * c;
    }
  }
  return Tensor.fromData(out, x.shape);
}

const Rope: Op<'x', RopeArgs> = defineOp<'x', RopeArgs>({
  name: 'rope',
  inputs: ['x'],
  saves: [],
  forward: ({ x }, args) => rotate(x, args),
  // A rotation's Jacobian is the rotation itself, so dx = R(−angle)·dy.
  backward: ({ dy, args }) => ({ x: Rope.apply({ x: dy }, { ...args, inverse: !args.inverse }) }),
});

/** Positions as int32 data broadcast to one per row of x (x.shape without its last dim). */
function rowPositions(x: Tensor, positions: Tensor | readonly number[]): Int32Array {
  const rowsShape = x.shape.slice(0, -1);
  const pos = isTensor(positions) ? positions : Tensor.fromData(Int32Array.from(checkNumbers(positions)), [positions.length]);
  if (pos.dtype !== 'int32') throw new DTypeError(`rope: positions must be an int32 tensor or a number[], got ${pos.dtype}`);
  if (!canBroadcastTo(pos.shape, rowsShape)) {
    throw new ShapeError(
      `rope: positions of shape ${fmtShape(pos.shape)} do not broadcast to x's shape without its last dim ${fmtShape(rowsShape)} ` +
        `(x is ${fmtShape(x.shape)}; a 1-D positions tensor needs length ${rowsShape[rowsShape.length - 1] ?? 1})`,
    );
  }
  const strides = broadcastStrides(pos.shape, pos.strides, rowsShape);
  const rows = rowsShape.reduce((a, b) => a * b, 1);
  const out = new Int32Array(rows);
  const idx = new Array<number>(rowsShape.length).fill(0);
  for (let r = 0; r < rows; r++) {
    let off = pos.offset;
    for (let k = 0; k < idx.length; k++) off += idx[k]! * strides[k]!;
    out[r] = pos.storage.data[off]!;
    for (let k = idx.length - 1; k >= 0; k--) {
      if (++idx[k]! < rowsShape[k]!) break;
      idx[k] = 0;
    }
  }
  return out;
}

/** A type guard (instanceof alone does not narrow unions with the augmented Tensor type). */
export function isTensor(value: unknown): value is Tensor {
  return value instanceof Tensor;
}

function checkNumbers(positions: readonly number[]): readonly number[] {
  if (!Array.isArray(positions)) throw new ArgumentError('rope: positions must be an int32 tensor or a number[]');
  const bad = positions.findIndex((p) => !Number.isInteger(p) || p < 0 || p > 2147483647);
  if (bad >= 0) throw new ArgumentError(`rope: positions must be non-negative integers, got ${positions[bad]} at index ${bad}`);
  return positions;
}

/**
 * Rotary position embedding over the last dim of `x` `(..., T, d)`, interleaved pairs:
 * (x₂ᵢ, x₂ᵢ₊₁) is rotated by the angle pos · theta^(−2i/d), pos being the row's position.
 * `positions` is a number[] of length T or an int32 tensor broadcastable to `x.shape[:-1]`
 * (e.g. (B, T) for per-sequence offsets). d must be even. cos/sin come from a cached float64
 * table per (theta, d, maxSeqLen). Differentiable (the backward rotates by −angle).
 * ```ts
 * const q = rope(randn([2, 4, 16, 8]), [0, 1, ..., 15], { theta: 10000 }); // (B, H, T, dHead)
 * ```
 */
export function rope(x: Tensor, positions: Tensor | readonly number[], opts: RopeOptions = {}): Tensor {
  if (!(x instanceof Tensor)) throw new ArgumentError('rope: x must be a Tensor');
  if (!isFloat(x.dtype)) throw new DTypeError(`rope: x must be float32 or float64, got ${x.dtype}`);
  if (x.ndim < 1 || x.shape[x.ndim - 1]! % 2 !== 0) {
    throw new ShapeError(`rope: the last dim of x must be even (pairs are rotated), got shape ${fmtShape(x.shape)}`);
  }
  const theta = opts.theta ?? 10000;
  if (!(theta > 0 && Number.isFinite(theta))) throw new ArgumentError(`rope: theta must be a positive finite number, got ${theta}`);
  const rowPos = rowPositions(x, positions);
  let maxPos = -1;
  for (const p of rowPos) {
    if (p < 0) throw new ArgumentError(`rope: positions must be non-negative, got ${p}`);
    if (p > maxPos) maxPos = p;
  }
  const { maxSeqLen } = opts;
  if (maxSeqLen !== undefined) {
    if (!Number.isInteger(maxSeqLen) || maxSeqLen < 1) throw new ArgumentError(`rope: maxSeqLen must be a positive integer, got ${maxSeqLen}`);
    if (maxPos >= maxSeqLen) throw new ArgumentError(`rope: position ${maxPos} is beyond maxSeqLen ${maxSeqLen} (positions must be < maxSeqLen)`);
  }
  const length = maxSeqLen ?? 2 ** Math.ceil(Math.log2(Math.max(maxPos + 1, 1)));
  const tables = ropeTables(theta, x.shape[x.ndim - 1]!, Math.max(length, 1));
  return Rope.apply({ x }, { rowPos, tables, inverse: false });
}
