import type { Tensor } from '@tsgrad/core';
import type { TensorModule } from './module-list.js';
import { ModuleSequence } from './module-sequence.js';

/**
 * Chains modules: `forward(x)` feeds `x` through each in order. Submodules are named `0`,
 * `1`, ...; the list is indexable and iterable like `ModuleList`.
 * ```ts
 * const mlp = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
 * ```
 */
export class Sequential extends ModuleSequence<TensorModule, [Tensor], Tensor> {
  /** A chain of `modules`, applied left to right. */
  constructor(...modules: TensorModule[]) {
    super('Sequential', modules);
  }

  /** Applies each module in turn. */
  override forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this) y = m.forward(y);
    return y;
  }
}
