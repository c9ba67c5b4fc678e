import { allocate, castScalar, promoteTypes, promoteWithScalar, type DType } from '../dtype.js';
import { Tensor } from '../tensor.js';

/** A tensor operand or a JavaScript number, as binary ops accept. */
export type TensorOrScalar = Tensor | number;

/** The dtype a binary op on these operands produces, by the promotion rules in dtype.ts. */
export function resultType(a: TensorOrScalar, b: TensorOrScalar): DType {
  if (a instanceof Tensor && b instanceof Tensor) return promoteTypes(a.dtype, b.dtype);
  if (a instanceof Tensor) return promoteWithScalar(a.dtype, b as number);
  if (b instanceof Tensor) return promoteWithScalar(b.dtype, a);
  return Number.isInteger(a) && Number.isInteger(b) ? 'int32' : 'float32';
}

/** A 0-d tensor holding `value` as `dtype`. */
export function scalarTensor(value: number, dtype: DType): Tensor {
  const data = allocate(dtype, 1);
  data[0] = castScalar(value, dtype);
  return Tensor.fromData(data, []);
}

/** Turns both operands into tensors of the promoted dtype's kind (numbers become 0-d tensors). */
export function asTensors(a: TensorOrScalar, b: TensorOrScalar): [Tensor, Tensor] {
  const dtype = resultType(a, b);
  return [a instanceof Tensor ? a : scalarTensor(a, dtype), b instanceof Tensor ? b : scalarTensor(b, dtype)];
}
