import { isFloat, promoteTypes, type DType } from '../dtype.js';
import { AutogradError, DTypeError, ShapeError, fmtShape } from '../errors.js';
import { isGradEnabled } from '../grad-mode.js';
import { assignRow, updateInPlace, type BinaryRow } from '../kernels/elementwise.js';
import { addRow, divRow, mulRow, subRow } from '../kernels/arithmetic-rows.js';
import { registerMethod } from '../registry.js';
import { canBroadcastTo } from '../shape.js';
import { Tensor } from '../tensor.js';
import { scalarTensor, type TensorOrScalar } from './scalar.js';
import { clone } from './views.js';

declare module '../tensor.js' {
  interface Tensor {
    /** In place `this += alpha·other`; returns this. */
    add_(other: TensorOrScalar, opts?: { alpha?: number }): this;
    /** In place `this -= alpha·other`; returns this. */
    sub_(other: TensorOrScalar, opts?: { alpha?: number }): this;
    /** In place `this *= other`; returns this. */
    mul_(other: TensorOrScalar): this;
    /** In place `this /= other`; returns this. */
    div_(other: TensorOrScalar): this;
    /** Fills with `value` in place; returns this. */
    fill_(value: number): this;
    /** Fills with zeros in place; returns this. */
    zero_(): this;
    /** Copies `src` (broadcast, cast to this dtype) into this tensor in place; returns this. */
    copy_(src: Tensor): this;
  }
}

/**
 * Checks that `target` may be written in place, before anything changes: autograd cannot
 * follow in-place writes into tensors that require grad, so those are refused outside noGrad.
 */
export function checkInPlace(op: string, target: Tensor): void {
  if (!isGradEnabled() || !target.requiresGrad) return;
  if (target.isLeaf) {
    throw new AutogradError(
      `${op}: a leaf tensor that requires grad (shape ${fmtShape(target.shape)}) cannot be modified in place; wrap the update in noGrad()`,
    );
  }
  throw new AutogradError(
    `${op}: in-place modification of a tensor that is part of the autograd graph (shape ${fmtShape(target.shape)}) is not supported; use the out-of-place op`,
  );
}

/** Bumps the storage version after an in-place write, so saved copies are known stale. */
export function markModified(target: Tensor): void {
  target.storage.version++;
}

/** Turns an in-place operand into a tensor that broadcasts to `target` and whose dtype fits it. */
function operand(op: string, target: Tensor, other: TensorOrScalar, allowCast: boolean): Tensor {
  const source = other instanceof Tensor ? other : scalarTensor(other, isFloat(target.dtype) ? target.dtype : Number.isInteger(other) ? target.dtype : 'float32');
  if (!canBroadcastTo(source.shape, target.shape)) {
    throw new ShapeError(`${op}: source of shape ${fmtShape(source.shape)} does not broadcast to the target's shape ${fmtShape(target.shape)}`);
  }
  const result: DType = promoteTypes(target.dtype, source.dtype);
  if (!allowCast && !fitsIn(result, target.dtype)) {
    throw new DTypeError(`${op}: result type ${result} can't be stored in the ${target.dtype} target in place`);
  }
  // A source sharing the target's storage could be overwritten while it is read.
  return source.storage === target.storage ? clone(source.detach()) : source;
}

/** PyTorch's in-place rule: the result may narrow within its kind, never go float -> int -> bool. */
function fitsIn(result: DType, target: DType): boolean {
  return isFloat(target) || (target === 'int32' && !isFloat(result)) || result === target;
}

function inPlace(op: string, target: Tensor, other: TensorOrScalar, row: BinaryRow, alpha = 1): Tensor {
  checkInPlace(op, target);
  let source = operand(op, target, other, false);
  if (alpha !== 1) source = source.mul(alpha);
  if (target.dtype === 'bool' && op !== 'copy_') throw new DTypeError(`${op}: arithmetic on a bool tensor is not supported`);
  updateInPlace(target, source, row);
  markModified(target);
  return target;
}

/** In place `target += alpha·other` (other broadcasts to target); returns target. */
export function add_<T extends Tensor>(target: T, other: TensorOrScalar, opts: { alpha?: number } = {}): T {
  return inPlace('add_', target, other, addRow, opts.alpha) as T;
}

/** In place `target -= alpha·other`; returns target. */
export function sub_<T extends Tensor>(target: T, other: TensorOrScalar, opts: { alpha?: number } = {}): T {
  return inPlace('sub_', target, other, subRow, opts.alpha) as T;
}

/** In place `target *= other`; returns target. */
export function mul_<T extends Tensor>(target: T, other: TensorOrScalar): T {
  return inPlace('mul_', target, other, mulRow) as T;
}

/** In place `target /= other`; integer targets are refused (the quotient is fractional). */
export function div_<T extends Tensor>(target: T, other: TensorOrScalar): T {
  if (!isFloat(target.dtype)) throw new DTypeError(`div_: true division cannot be stored in the ${target.dtype} target in place`);
  return inPlace('div_', target, other, divRow) as T;
}

/** Fills `target` with `value` in place; returns target. */
export function fill_<T extends Tensor>(target: T, value: number): T {
  checkInPlace('fill_', target);
  updateInPlace(target, scalarTensor(value, target.dtype), assignRow);
  markModified(target);
  return target;
}

/** Fills `target` with zeros in place; returns target. */
export function zero_<T extends Tensor>(target: T): T {
  return fill_(target, 0);
}

/** Copies `src` into `target` in place, broadcasting and casting to target's dtype; returns target. */
export function copy_<T extends Tensor>(target: T, src: Tensor): T {
  checkInPlace('copy_', target);
  const source = operand('copy_', target, src, true);
  updateInPlace(target, target.dtype === 'bool' ? source.to('bool') : target.dtype === 'int32' && isFloat(source.dtype) ? source.to('int32') : source, assignRow);
  markModified(target);
  return target;
}

registerMethod('add_', add_);
registerMethod('sub_', sub_);
registerMethod('mul_', mul_);
registerMethod('div_', div_);
registerMethod('fill_', fill_);
registerMethod('zero_', zero_);
registerMethod('copy_', copy_);
