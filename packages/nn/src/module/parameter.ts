import { ArgumentError, isFloat, Tensor, fmtShape } from '@tsgrad/core';

// Parameters are ordinary tensors remembered here, so `linear.weight` stays a plain Tensor
// property and a tensor shared by two modules (tied weights) is one parameter.
const parameters = new WeakSet<Tensor>();

/**
 * Marks `tensor` as a trainable parameter and returns it: a float leaf that requires grad.
 * Assigning the result to a module property makes `parameters()` and `stateDict()` find it:
 * ```ts
 * this.weight = parameter(randn([out, inF]));
 * ```
 */
export function parameter(tensor: Tensor): Tensor {
  if (!(tensor instanceof Tensor)) throw new ArgumentError('parameter: expected a Tensor');
  if (!tensor.isLeaf) {
    throw new ArgumentError(
      `parameter: tensor of shape ${fmtShape(tensor.shape)} is the result of an op; pass a leaf (use detach())`,
    );
  }
  if (!isFloat(tensor.dtype)) {
    throw new ArgumentError(`parameter: parameters must be float32 or float64, got ${tensor.dtype}`);
  }
  tensor.requiresGrad = true;
  parameters.add(tensor);
  return tensor;
}

/** Whether `value` is a tensor marked by `parameter()`. */
export function isParameter(value: unknown): value is Tensor {
  return value instanceof Tensor && parameters.has(value as Tensor);
}
