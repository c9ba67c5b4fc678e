import { ArgumentError, type Tensor } from '@tsgrad/core';
import type { AnyModule, Module } from './module.js';
import { ModuleSequence } from './module-sequence.js';

/**
 * An indexable, iterable list of submodules named `0`, `1`, ... (so a GPT's blocks are
 * `blocks.0.attn...`). Like PyTorch's `nn.ModuleList`, it has no forward of its own.
 * ```ts
 * this.blocks = new ModuleList(range.map(() => new TransformerBlock(opts)));
 * for (const block of this.blocks) x = block.forward(x);
 * ```
 */
export class ModuleList<M extends AnyModule = AnyModule> extends ModuleSequence<M, never, never> {
  /** A list holding `modules` in order. */
  constructor(modules: Iterable<M> = []) {
    super('ModuleList', modules);
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): M {
    const i = index < 0 ? index + this.length : index;
    if (!Number.isInteger(i) || i < 0 || i >= this.length) {
      throw new ArgumentError(`ModuleList.at: index ${index} is out of range for a list of ${this.length}`);
    }
    return this[i]!;
  }

  /** A ModuleList has no forward; call its modules. */
  override forward(): never {
    throw new ArgumentError('ModuleList.forward: a ModuleList has no forward; iterate it and call each module');
  }
}

/** A module that maps a tensor to a tensor, as Sequential chains them. */
export type TensorModule = Module<[Tensor], Tensor>;
