import { ArgumentError } from '@tsgrad/core';
import { Module, type AnyModule } from './module.js';

/**
 * The list behind `ModuleList` and `Sequential`: submodules stored as properties `0`, `1`, ...
 * (so state-dict keys read `blocks.0.attn...`), with a length, `append` and in-order iteration.
 */
export abstract class ModuleSequence<M extends AnyModule, In extends unknown[], Out> extends Module<In, Out> implements Iterable<M> {
  /** The i-th module. */
  readonly [index: number]: M;
  readonly #kind: string;
  #length = 0;

  /** Holds `modules` in order; `kind` names the subclass in error messages. */
  protected constructor(kind: string, modules: Iterable<M>) {
    super();
    this.#kind = kind;
    for (const m of modules) this.append(m);
  }

  /** Number of modules. */
  get length(): number {
    return this.#length;
  }

  /** Adds a module at the end; returns this. */
  append(module: M): this {
    if (!(module instanceof Module)) throw new ArgumentError(`${this.#kind}.append: expected a Module, got ${typeof module}`);
    (this as unknown as Record<number, M>)[this.#length++] = module;
    return this;
  }

  /** Iterates the modules in order. */
  *[Symbol.iterator](): Iterator<M> {
    for (let i = 0; i < this.#length; i++) yield this[i]!;
  }
}
