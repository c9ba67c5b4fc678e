import { DTypeError, type DType, type FloatDType } from '@tsgrad/core';

/**
 * Output dtype of a floating-point math op (exp, log, tanh, ...): floats keep their dtype,
 * int32 is computed in float32 as PyTorch promotes integers, bool is refused.
 */
export function floatResultType(op: string, dtype: DType): FloatDType {
  if (dtype === 'bool') throw new DTypeError(`${op}: input must be float32, float64 or int32, got bool`);
  return dtype === 'int32' ? 'float32' : dtype;
}

/** Refuses bool for ops that are arithmetic on numbers (abs, relu, clamp, ...). */
export function refuseBool(op: string, arg: string, dtype: DType): void {
  if (dtype === 'bool') throw new DTypeError(`${op}: ${arg} must be float32, float64 or int32, got bool`);
}

/** Output dtype of a statistic (mean, var): floats keep their dtype, int32 and bool give float32. */
export function statisticType(dtype: DType): FloatDType {
  return dtype === 'float64' ? 'float64' : 'float32';
}
