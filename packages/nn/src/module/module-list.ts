import { ArgumentError, type Tensor } from '@tsgrad/core';
import { Module, type AnyModule } from './module.js';

/**
 * An indexable, iterable list of submodules named `0`, `1`, ... (so a GPT's blocks are
 * `blocks.0.attn...`). Like PyTorch's `nn.ModuleList`, it has no forward of its own.
 * ```ts
 * this.blocks = new ModuleList(range.map(() => new TransformerBlock(opts)));
 * for (const block of this.blocks) x = block.forward(x);
 * ```
 */
export class ModuleList<M extends AnyModule = AnyModule> extends Module<never, never> implements Iterable<M> {
  /** The i-th module (also `list.at(i)`). */
  readonly [index: number]: M;
  #length = 0;

  /** A list holding `modules` in order. */
  constructor(modules: Iterable<M> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  /** Number of modules. */
  get length(): number {
    return this.#length;
  }

  /** Adds a module at the end; returns this. */
  append(module: M): this {
    if (!(module instanceof Module)) throw new ArgumentError(`ModuleList.append: expected a Module, got ${typeof module}`);
    (this as unknown as Record<number, M>)[this.#length++] = module;
    return this;
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): M {
    const i = index < 0 ? index + this.#length : index;
    if (!Number.isInteger(i) || i < 0 || i >= this.#length) {
      throw new ArgumentError(`ModuleList.at: index ${index} is out of range for a list of ${this.#length}`);
    }
    return this[i]!;
  }

  /** Iterates the modules in order. */
  *[Symbol.iterator](): Iterator<M> {
    for (let i = 0; i < this.#length; i++) yield this[i]!;
  }

  /** A ModuleList has no forward; call its modules. */
  override forward(): never {
    throw new ArgumentError('ModuleList.forward: a ModuleList has no forward; iterate it and call each module');
  }
}

/** A module that maps a tensor to a tensor, as Sequential chains them. */
export type TensorModule = Module<[Tensor], Tensor>;
