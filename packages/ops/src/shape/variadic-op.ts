import { Node, Tensor, isFloat, isGradEnabled, noGrad } from '@tsgrad/core';

/**
 * Records an op over a variable number of tensor inputs (`cat`), which `defineOp`'s fixed
 * input names cannot express. Same contract as a registered op: `forward` runs without
 * recording; when grad mode is on, the output is float and some input requires grad, a graph
 * node is attached whose `backward` returns one gradient (or null) per input. Nothing is
 * saved, so `backward` may read only shapes and `dy`.
 */
export function applyVariadic(
  name: string,
  inputs: readonly Tensor[],
  forward: () => Tensor,
  backward: (dy: Tensor, needsGrad: readonly boolean[]) => (Tensor | null)[],
): Tensor {
  let output = noGrad(forward);
  if (inputs.includes(output)) output = output.detach();
  if (!isGradEnabled() || !isFloat(output.dtype)) return output;
  const needsGrad = inputs.map((t) => t.requiresGrad);
  if (!needsGrad.includes(true)) return output;
  const names = inputs.map((_, i) => `tensors[${i}]`);
  const node = new Node(name, inputs, names, needsGrad, [], (dy) => backward(dy, needsGrad));
  node.output = output;
  output.gradFn = node;
  return output;
}
