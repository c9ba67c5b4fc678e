import { ArgumentError, defineOp, mapUnary, promoteTypes, promoteWithScalar, registerMethod, type DType, type Tensor, type UnaryRow } from '@tsgrad/core';
import { refuseBool } from './dtype-rules.js';
import { ge, le } from './compare.js';
import { logicalAnd } from './logical.js';
import { where } from './where.js';

/** Bounds of {@link clamp}; at least one must be given. */
export interface ClampOptions {
  /** Lower bound; values below become `min` (no lower bound when omitted). */
  min?: number;
  /** Upper bound; values above become `max` (no upper bound when omitted). */
  max?: number;
}

declare module '@tsgrad/core' {
  interface Tensor {
    /** `clamp(this, { min, max })`. */
    clamp(opts: ClampOptions): Tensor;
  }
}

interface Bounds {
  min: number;
  max: number;
}

/** A row kernel for these bounds: min(max(x, lo), hi), NaN kept. */
export function clampRow(lo: number, hi: number): UnaryRow {
  return (o, oi, os, x, xi, xs, n) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) {
      const v = x[xi]!;
      const low = v < lo ? lo : v;
      o[oi] = low > hi ? hi : low;
    }
  };
}

/** Checks clamp bounds; returns them with absent ones as ∓Infinity. */
export function clampBounds(op: string, opts: ClampOptions): Bounds {
  const { min, max } = opts;
  if (min === undefined && max === undefined) throw new ArgumentError(`${op}: at least one of min and max must be given`);
  for (const [name, v] of [['min', min], ['max', max]] as const) {
    if (v !== undefined && (typeof v !== 'number' || Number.isNaN(v))) {
      throw new ArgumentError(`${op}: ${name} must be a number, got ${String(v)}`);
    }
  }
  return { min: min ?? -Infinity, max: max ?? Infinity };
}

function clampType(x: Tensor, { min, max }: Bounds): DType {
  let dtype = x.dtype;
  for (const v of [min, max]) if (Number.isFinite(v)) dtype = promoteTypes(dtype, promoteWithScalar(x.dtype, v));
  return dtype;
}

const Clamp = defineOp<'x', Bounds>({
  name: 'clamp',
  inputs: ['x'],
  check: ({ x }) => refuseBool('clamp', 'x', x.dtype),
  forward: ({ x }, bounds) => mapUnary(x, clampType(x, bounds), clampRow(bounds.min, bounds.max)),
  // d clamp = dx where min ≤ x ≤ max (bounds included, as PyTorch), else 0
  backward: ({ dy, inputs: { x }, args: { min, max } }) => {
    const inside = min === -Infinity ? le(x, max) : max === Infinity ? ge(x, min) : logicalAnd(ge(x, min), le(x, max));
    return { x: where(inside, dy, 0) };
  },
});

/**
 * Elementwise min(max(x, min), max); either bound may be omitted (not both). If min > max
 * every element becomes max, as in PyTorch. NaN stays NaN. The dtype is kept (an int32
 * input with a fractional bound gives float32; bool refused). The gradient passes where
 * min ≤ x ≤ max, boundaries included, and is 0 outside.
 */
export function clamp(x: Tensor, opts: ClampOptions): Tensor {
  return Clamp.apply({ x }, clampBounds('clamp', opts));
}

registerMethod('clamp', clamp);
