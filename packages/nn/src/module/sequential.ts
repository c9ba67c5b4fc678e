import { ArgumentError, type Tensor } from '@tsgrad/core';
import { Module } from './module.js';
import type { TensorModule } from './module-list.js';

/**
 * Chains modules: `forward(x)` feeds `x` through each in order. Submodules are named `0`,
 * `1`, ...; the list is indexable and iterable like `ModuleList`.
 * ```ts
 * const mlp = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
 * ```
 */
export class Sequential extends Module implements Iterable<TensorModule> {
  /** The i-th module. */
  readonly [index: number]: TensorModule;
  #length = 0;

  /** A chain of `modules`, applied left to right. */
  constructor(...modules: TensorModule[]) {
    super();
    for (const m of modules) this.append(m);
  }

  /** Number of modules. */
  get length(): number {
    return this.#length;
  }

  /** Adds a module at the end; returns this. */
  append(module: TensorModule): this {
    if (!(module instanceof Module)) throw new ArgumentError(`Sequential.append: expected a Module, got ${typeof module}`);
    (this as unknown as Record<number, TensorModule>)[this.#length++] = module;
    return this;
  }

  /** Iterates the modules in order. */
  *[Symbol.iterator](): Iterator<TensorModule> {
    for (let i = 0; i < this.#length; i++) yield this[i]!;
  }

  /** Applies each module in turn. */
  override forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this) y = m.forward(y);
    return y;
  }
}
