import {
  DTypeError,
  ShapeError,
  add_,
  canBroadcastTo,
  checkInPlace,
  div,
  fmtShape,
  isFloat,
  markModified,
  mul,
  noGrad,
  registerMethod,
  shapesEqual,
  sub,
  type Tensor,
  type UnaryRow,
} from '@tsgrad/core';
import { updateUnaryInPlace } from './unary-in-place.js';

/** Options of {@link addcmul_} and {@link addcdiv_}. */
export interface AddcOptions {
  /** Scale of the product or quotient; default 1. */
  value?: number;
}

declare module '@tsgrad/core' {
  interface Tensor {
    /** In place `this += value·a·b`; returns this. */
    addcmul_(a: Tensor, b: Tensor, opts?: AddcOptions): this;
    /** In place `this += value·a/b`; returns this. */
    addcdiv_(a: Tensor, b: Tensor, opts?: AddcOptions): this;
    /** In place `this += weight·(end − this)`; returns this. */
    lerp_(end: Tensor, weight: number): this;
    /** In place `this = √this`; returns this. */
    sqrt_(): this;
  }
}

function checkTarget(op: string, target: Tensor): void {
  checkInPlace(op, target);
  if (!isFloat(target.dtype)) throw new DTypeError(`${op}: target must be float32 or float64, got ${target.dtype}`);
}

function checkSource(op: string, arg: string, target: Tensor, source: Tensor): void {
  if (!canBroadcastTo(source.shape, target.shape)) {
    throw new ShapeError(`${op}: ${arg} of shape ${fmtShape(source.shape)} does not broadcast to the target's shape ${fmtShape(target.shape)}`);
  }
}

/**
 * True when the one-loop path is safe: everything contiguous with the target's shape, and any
 * operand sharing the target's storage sitting exactly on it (element i then reads before it
 * writes only element i).
 */
function flat(target: Tensor, sources: readonly Tensor[]): boolean {
  if (!target.isContiguous()) return false;
  return sources.every(
    (s) => s.isContiguous() && shapesEqual(s.shape, target.shape) && (s.storage !== target.storage || s.offset === target.offset),
  );
}

/**
 * In place `target += value·a·b` (Adam's second moment: `v.mul_(β₂).addcmul_(g, g, { value: 1 − β₂ })`);
 * `a` and `b` broadcast to target. Float targets only; refused on tensors autograd tracks.
 */
export function addcmul_<T extends Tensor>(target: T, a: Tensor, b: Tensor, opts: AddcOptions = {}): T {
  const value = opts.value ?? 1;
  checkTarget('addcmul_', target);
  checkSource('addcmul_', 'a', target, a);
  checkSource('addcmul_', 'b', target, b);
  if (!flat(target, [a, b])) return add_(target, noGrad(() => mul(mul(a, b), value)));
  const t = target.storage.data;
  const ad = a.storage.data;
  const bd = b.storage.data;
  for (let i = 0, ti = target.offset, ai = a.offset, bi = b.offset; i < target.size; i++) t[ti++] += value * ad[ai++]! * bd[bi++]!;
  markModified(target);
  return target;
}

/**
 * In place `target += value·a/b` (Adam's step: `p.addcdiv_(m, denom, { value: −lr })`);
 * broadcasting, dtypes and refusals as {@link addcmul_}.
 */
export function addcdiv_<T extends Tensor>(target: T, a: Tensor, b: Tensor, opts: AddcOptions = {}): T {
  const value = opts.value ?? 1;
  checkTarget('addcdiv_', target);
  checkSource('addcdiv_', 'a', target, a);
  checkSource('addcdiv_', 'b', target, b);
  if (!flat(target, [a, b])) return add_(target, noGrad(() => mul(div(a, b), value)));
  const t = target.storage.data;
  const ad = a.storage.data;
  const bd = b.storage.data;
  for (let i = 0, ti = target.offset, ai = a.offset, bi = b.offset; i < target.size; i++) t[ti++] += (value * ad[ai++]!) / bd[bi++]!;
  markModified(target);
  return target;
}

/**
 * In place linear interpolation `target += weight·(end − target)` (Adam's first moment:
 * `m.lerp_(g, 1 − β₁)`); `end` broadcasts to target. Float targets only.
 */
export function lerp_<T extends Tensor>(target: T, end: Tensor, weight: number): T {
  checkTarget('lerp_', target);
  checkSource('lerp_', 'end', target, end);
  if (!flat(target, [end])) return add_(target, noGrad(() => mul(sub(end, target), weight)));
  const t = target.storage.data;
  const e = end.storage.data;
  for (let i = 0, ti = target.offset, ei = end.offset; i < target.size; i++, ti++) t[ti] += weight * (e[ei++]! - t[ti]!);
  markModified(target);
  return target;
}

const sqrtRow: UnaryRow = (o, oi, os, x, xi, xs, n) => {
  for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.sqrt(x[xi]!);
};

/** In place square root (NaN below 0); float targets only. Returns target. */
export function sqrt_<T extends Tensor>(target: T): T {
  checkTarget('sqrt_', target);
  updateUnaryInPlace(target, sqrtRow);
  return target;
}

registerMethod('addcmul_', addcmul_);
registerMethod('addcdiv_', addcdiv_);
registerMethod('lerp_', lerp_);
registerMethod('sqrt_', sqrt_);
