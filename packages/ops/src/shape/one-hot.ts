import { ArgumentError, Tensor, allocate, defineOp, registerMethod } from '@tsgrad/core';
import { indexData, requireInt32Index } from './index-checks.js';

declare module '@tsgrad/core' {
  interface Tensor {
    /** `oneHot(this, numClasses)`. */
    oneHot(numClasses?: number): Tensor;
  }
}

const OneHot = defineOp<'index', { numClasses: number }, undefined, never>({
  name: 'oneHot',
  inputs: ['index'],
  differentiable: [],
  saves: [],
  check: ({ index }, { numClasses }) => {
    requireInt32Index('oneHot', 'index', index);
    if (numClasses !== -1 && (!Number.isInteger(numClasses) || numClasses < 0)) {
      throw new ArgumentError(`oneHot: numClasses must be a non-negative integer or -1, got ${numClasses}`);
    }
    const { data, offset } = indexData(index);
    for (let i = offset; i < offset + index.size; i++) {
      const v = data[i]!;
      if (v < 0 || (numClasses !== -1 && v >= numClasses)) {
        throw new ArgumentError(`oneHot: index ${v} is out of range for numClasses ${numClasses === -1 ? '(inferred)' : numClasses}`);
      }
    }
  },
  forward: ({ index }, { numClasses }) => {
    const { data, offset } = indexData(index);
    let classes = numClasses;
    if (classes === -1) {
      classes = 0;
      for (let i = 0; i < index.size; i++) classes = Math.max(classes, data[offset + i]! + 1);
    }
    const out = allocate('int32', index.size * classes);
    for (let i = 0; i < index.size; i++) out[i * classes + data[offset + i]!] = 1;
    return Tensor.fromData(out, [...index.shape, classes]);
  },
  backward: () => ({}),
});

/**
 * One-hot encoding of int32 class indices: shape `(...)` gives int32 `(..., numClasses)` with a
 * 1 at each index (PyTorch returns int64; tsgrad's integer dtype is int32). `numClasses` -1
 * (the default) uses the largest index + 1. Not differentiable; cast to float to use it in math.
 */
export function oneHot(index: Tensor, numClasses = -1): Tensor {
  return OneHot.apply({ index }, { numClasses });
}

registerMethod('oneHot', oneHot);
