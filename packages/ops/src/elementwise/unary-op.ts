import { defineOp, mapUnary, type BackwardContext, type Op, type Tensor, type UnaryRow } from '@tsgrad/core';
import { floatResultType } from './dtype-rules.js';

/** What a float unary op declares: its row kernel and its derivative. */
export interface FloatUnaryDefinition {
  readonly name: string;
  /** Inner loop over one row, reading any dtype and writing the float output. */
  readonly row: UnaryRow;
  /** What the backward reads: the input, the output, or both. */
  readonly saves: readonly ('x' | 'output')[];
  /** dx from dy, written with ops so it is differentiable again. */
  backward(ctx: BackwardContext<'x', Record<string, never>, undefined>): Tensor;
}

/**
 * Declares a floating-point unary op (exp, log, tanh, ...): float inputs keep their dtype,
 * int32 gives float32, bool is refused. The forward runs `row` over any strides.
 */
export function defineFloatUnary(def: FloatUnaryDefinition): Op<'x', Record<string, never>> {
  return defineOp<'x'>({
    name: def.name,
    inputs: ['x'],
    saves: def.saves,
    check: ({ x }) => void floatResultType(def.name, x.dtype),
    forward: ({ x }) => mapUnary(x, floatResultType(def.name, x.dtype), def.row),
    backward: (ctx) => ({ x: def.backward(ctx) }),
  });
}
