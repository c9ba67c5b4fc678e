import {
  ArgumentError,
  DTypeError,
  ShapeError,
  Tensor,
  contiguous,
  fmtShape,
  isFloat,
  ones,
  promoteTypes,
  zeros,
  type DType,
  type TypedArray,
} from '@tsgrad/core';

/** A normalised-shape argument: the trailing dims a norm reduces over. */
export type NormalizedShape = number | readonly number[];

/** The trailing dims as a list, checked against `x`: they must be `x`'s last dims. */
export function normalizedDims(op: string, x: Tensor, normalizedShape: NormalizedShape): number[] {
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  if (shape.length === 0) throw new ArgumentError(`${op}: normalizedShape must name at least one dim`);
  const tail = x.shape.slice(x.ndim - shape.length);
  if (shape.length > x.ndim || !tail.every((d, i) => d === shape[i])) {
    throw new ShapeError(
      `${op}: normalizedShape ${fmtShape(shape)} does not match the last dims of input ${fmtShape(x.shape)}`,
    );
  }
  return shape;
}

/** Checks an affine tensor (weight or bias) against the normalised shape and the input dtype. */
export function checkAffine(op: string, arg: string, t: Tensor, shape: readonly number[]): void {
  if (!isFloat(t.dtype)) throw new DTypeError(`${op}: ${arg} must be float32 or float64, got ${t.dtype}`);
  if (t.size !== shape.reduce((a, b) => a * b, 1) || t.ndim !== shape.length || !t.shape.every((d, i) => d === shape[i])) {
    throw new ShapeError(`${op}: ${arg} of shape ${fmtShape(t.shape)} must have the normalized shape ${fmtShape(shape)}`);
  }
}

/** A constant weight (ones) or bias (zeros) standing in for a missing affine tensor. */
export function defaultAffine(kind: 'weight' | 'bias', shape: readonly number[], dtype: DType): Tensor {
  return kind === 'weight' ? ones(shape, { dtype }) : zeros(shape, { dtype });
}

/** The row-major data of `t` and the offset of its first element (copying only non-contiguous views). */
export function rowData(t: Tensor): { data: TypedArray; offset: number } {
  const c = t.isContiguous() ? t : contiguous(t);
  return { data: c.storage.data, offset: c.offset };
}

/** The dtype of a norm's output: the promotion of input and affine dtypes. */
export function normOutputType(...ts: Tensor[]): DType {
  return ts.reduce<DType>((d, t) => promoteTypes(d, t.dtype), ts[0]!.dtype);
}

/** Input checks shared by layerNorm and rmsNorm. */
export function checkNormInput(op: string, x: Tensor, eps: number): void {
  if (!isFloat(x.dtype)) throw new DTypeError(`${op}: input must be float32 or float64, got ${x.dtype}`);
  if (!(eps >= 0) || !Number.isFinite(eps)) throw new ArgumentError(`${op}: eps must be a finite number >= 0, got ${eps}`);
}
