import { DTypeError, checkInPlace, registerMethod, type Tensor } from '@tsgrad/core';
import { clampBounds, clampRow, type ClampOptions } from '../elementwise/clamp.js';
import { updateUnaryInPlace } from './unary-in-place.js';

declare module '@tsgrad/core' {
  interface Tensor {
    /** In place `this = clamp(this, { min, max })`; returns this. */
    clamp_(opts: ClampOptions): this;
  }
}

/**
 * In place min(max(target, min), max); returns target. Refused (before any write) on tensors
 * autograd tracks, on bool, and on int32 with a fractional bound (the result would not fit).
 */
export function clamp_<T extends Tensor>(target: T, opts: ClampOptions): T {
  const { min, max } = clampBounds('clamp_', opts);
  checkInPlace('clamp_', target);
  if (target.dtype === 'bool') throw new DTypeError('clamp_: target must be float32, float64 or int32, got bool');
  if (target.dtype === 'int32' && [min, max].some((v) => Number.isFinite(v) && !Number.isInteger(v))) {
    throw new DTypeError(`clamp_: fractional bounds (min ${min}, max ${max}) can't be stored in the int32 target in place`);
  }
  updateUnaryInPlace(target, clampRow(min, max));
  return target;
}

registerMethod('clamp_', clamp_);
