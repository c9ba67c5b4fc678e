import { defineOp, mapBinary, type BinaryRow, type Op } from '@tsgrad/core';

/** An op of two broadcasting tensors with a bool result, such as `eq` or `logicalAnd`. */
export type BoolBinaryOp = Op<'a' | 'b', Record<string, never>>;

/**
 * Registers a comparison or logical op: `row` writes 1/0 per element pair, the result is bool
 * and no gradient flows to either input (PyTorch treats these as non-differentiable).
 */
export function defineBoolBinaryOp(name: string, row: BinaryRow): BoolBinaryOp {
  return defineOp<'a' | 'b', Record<string, never>, undefined, never>({
    name,
    inputs: ['a', 'b'],
    differentiable: [],
    saves: [],
    forward: ({ a, b }) => mapBinary(name, a, b, 'bool', row),
    backward: () => ({}),
  });
}
