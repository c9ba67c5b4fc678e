import { defineOp, mul, registeredOps, type Tensor } from '@tsgrad/core';

/** Name of the deliberately wrong op that tests register to see gradcheck fail. */
export const BROKEN_OP = 'examples.brokenSquare';

/**
 * Registers `examples.brokenSquare`: forward x², backward dy·x (the factor 2 is missing), so
 * any gradcheck of it must fail. Only the hidden `--with-broken-op` flag and tests call this.
 * Registering twice is a no-op.
 */
export function registerBrokenOp(): void {
  if (registeredOps().has(BROKEN_OP)) return;
  defineOp({
    name: BROKEN_OP,
    inputs: ['x'],
    forward: ({ x }) => mul(x, x),
    backward: ({ dy, inputs: { x } }: { dy: Tensor; inputs: { x: Tensor } }) => ({ x: mul(dy, x) }), // wrong on purpose: d(x²) = 2x dx
  });
}
