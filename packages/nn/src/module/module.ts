import { ArgumentError, Tensor, cast, isFloat, noGrad, type FloatDType } from '@tsgrad/core';
import { isParameter, parameter } from './parameter.js';
import { loadIntoTargets, type LoadStateDictOptions, type LoadStateDictResult, type StateDict } from './state-dict.js';

/** Any module, whatever its forward signature: the type of children and of tree walks. */
export type AnyModule = Module<never, unknown>;

/** Options of `registerBuffer`. */
export interface BufferOptions {
  /** Whether the buffer is part of `stateDict()` (default true). */
  persistent?: boolean;
}

/**
 * Base class of every layer and model, like PyTorch's `nn.Module`.
 *
 * Parameters and submodules are found from the instance's own properties, in declaration
 * order: a tensor marked with `parameter()` is a parameter, a `Module` is a submodule
 * (`ModuleList`/`Sequential` hold indexed ones), and tensors given to `registerBuffer` are
 * buffers (non-trainable state). Names are dotted property paths: `blocks.0.attn.qProj.weight`.
 * ```ts
 * class Affine extends Module {
 *   weight = parameter(ones([4]));
 *   override forward(x: Tensor): Tensor { return x.mul(this.weight); }
 * }
 * ```
 */
export abstract class Module<In extends unknown[] = [Tensor], Out = Tensor> {
  /** True in training mode (dropout active), false after `eval()`. */
  training = true;
  // Names of properties registered as buffers, with their persistence.
  readonly #buffers = new Map<string, boolean>();

  /** The computation; subclasses implement it. */
  abstract forward(...args: In): Out;

  /** Sets property `name` to `tensor` marked as a parameter (null leaves it absent); returns it. */
  registerParameter<T extends Tensor | null>(name: string, tensor: T): T {
    checkName('registerParameter', name);
    this.#own()[name] = tensor === null ? null : parameter(tensor);
    return tensor;
  }

  /**
   * Sets property `name` to a non-trainable tensor that belongs to the module's state (running
   * statistics, masks, tables). Persistent buffers are saved in `stateDict()`; `to(dtype)`
   * converts float buffers. Reassigning the property later keeps it a buffer.
   */
  registerBuffer<T extends Tensor | null>(name: string, tensor: T, opts: BufferOptions = {}): T {
    checkName('registerBuffer', name);
    if (tensor !== null && isParameter(tensor)) {
      throw new ArgumentError(`registerBuffer: '${name}' is a parameter; a buffer must be a plain tensor`);
    }
    this.#buffers.set(name, opts.persistent ?? true);
    this.#own()[name] = tensor;
    return tensor;
  }

  /** Sets property `name` to a submodule (for names computed at run time); returns it. */
  registerModule<M extends AnyModule>(name: string, module: M): M {
    checkName('registerModule', name);
    this.#own()[name] = module;
    return module;
  }

  /** Direct submodules with their property names. */
  namedChildren(): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    for (const [key, value] of Object.entries(this)) if (value instanceof Module) out.push([key, value]);
    return out;
  }

  /** Direct submodules. */
  children(): AnyModule[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every descendant, pre-order, each module once, with dotted names ('' for this). */
  namedModules(): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    const seen = new Set<AnyModule>();
    const visit = (module: AnyModule, prefix: string) => {
      if (seen.has(module)) return;
      seen.add(module);
      out.push([prefix, module]);
      for (const [key, child] of module.namedChildren()) visit(child, join(prefix, key));
    };
    visit(this as unknown as AnyModule, '');
    return out;
  }

  /** This module and every descendant, pre-order, each once. */
  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  /**
   * Every parameter with its dotted name, each tensor once (a tied weight appears under the
   * first name that reaches it). Own parameters come before those of submodules.
   */
  namedParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, module] of this.namedModules()) {
      for (const [key, value] of Object.entries(module)) {
        if (isParameter(value) && !seen.has(value)) {
          seen.add(value);
          out.push([join(prefix, key), value]);
        }
      }
    }
    return out;
  }

  /** Every parameter, each tensor once (tied weights are not repeated). */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Every buffer (persistent or not) with its dotted name, each tensor once. */
  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, module] of this.namedModules()) {
      for (const [key, value] of module.#ownBuffers()) {
        if (!seen.has(value)) {
          seen.add(value);
          out.push([join(prefix, key), value]);
        }
      }
    }
    return out;
  }

  /** Every buffer, each tensor once. */
  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** Number of parameter elements (tied weights counted once). */
  numParameters(opts: { trainableOnly?: boolean } = {}): number {
    return this.parameters().reduce((n, p) => n + (opts.trainableOnly && !p.requiresGrad ? 0 : p.size), 0);
  }

  /** Sets training mode on this module and every descendant; returns this. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode (`train(false)`): dropout becomes the identity. Returns this. */
  eval(): this {
    return this.train(false);
  }

  /** Calls `fn` on every descendant and then on this module (PyTorch's order); returns this. */
  apply(fn: (module: AnyModule) => void): this {
    for (const m of this.modules().reverse()) fn(m);
    return this;
  }

  /** One line of settings shown by `toString()` (`in=4, out=3, bias=true`); subclasses override it. */
  extraRepr(): string {
    return '';
  }

  /** The module tree, PyTorch style: `GPT(\n  (tokenEmbedding): Embedding(65, 64)\n  ...)`. */
  toString(): string {
    const children = this.namedChildren();
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (children.length === 0) return `${head})`;
    const lines = children.map(([key, child]) => `  (${key}): ${child.toString().split('\n').join('\n  ')}`);
    return `${head}${this.extraRepr() === '' ? '' : ','}\n${lines.join('\n')}\n)`;
  }

  /** Sets the gradient of every parameter to null. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /**
   * Converts every parameter and float buffer to `dtype` in place and returns this. Tied
   * weights stay tied (one new tensor for both places); gradients are converted too. The
   * parameters are new tensors, so build optimizers after calling `to`.
   */
  to(dtype: FloatDType): this {
    if (!isFloat(dtype)) throw new ArgumentError(`Module.to: dtype must be float32 or float64, got ${String(dtype)}`);
    const converted = new Map<Tensor, Tensor>();
    const convert = (t: Tensor, isParam: boolean): Tensor => {
      let out = converted.get(t);
      if (out === undefined) {
        out = t.dtype === dtype ? t : noGrad(() => cast(t.detach(), dtype));
        if (out !== t && isParam) {
          parameter(out).requiresGrad = t.requiresGrad;
          out.grad = t.grad === null ? null : noGrad(() => cast(t.grad!.detach(), dtype));
        }
        converted.set(t, out);
      }
      return out;
    };
    for (const module of this.modules()) {
      const own = module.#own();
      for (const [key, value] of Object.entries(module)) {
        if (isParameter(value)) own[key] = convert(value, true);
      }
      for (const [key, value] of module.#ownBuffers()) {
        if (isFloat(value.dtype)) own[key] = convert(value, false);
      }
    }
    return this;
  }

  /**
   * Parameters and persistent buffers by dotted name, detached (they share storage with the
   * module). A tied weight appears under each of its names, as in PyTorch.
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [name, t] of this.#stateEntries('')) out[name] = t.detach();
    return out;
  }

  /**
   * Copies `stateDict` into the parameters and persistent buffers in place (under noGrad, so
   * parameter identity is kept and optimizers stay valid). Everything is validated first:
   * missing keys and unexpected keys (when `strict`, the default) and any shape or dtype
   * mismatch are reported together in one `StateDictError`, and then nothing is changed.
   * Returns the missing and unexpected keys (both empty when `strict` passes).
   */
  loadStateDict(
    stateDict: StateDict | ReadonlyMap<string, Tensor>,
    opts: LoadStateDictOptions = {},
  ): LoadStateDictResult {
    return loadIntoTargets(this.#stateEntries(''), stateDict, opts.strict ?? true);
  }

  // Parameters and persistent buffers with dotted names, without de-duplication.
  #stateEntries(prefix: string): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [key, value] of Object.entries(this)) if (isParameter(value)) out.push([join(prefix, key), value]);
    for (const [key, value] of this.#ownBuffers()) {
      if (this.#buffers.get(key) === true) out.push([join(prefix, key), value]);
    }
    for (const [key, child] of this.namedChildren()) out.push(...child.#stateEntries(join(prefix, key)));
    return out;
  }

  // Buffers currently set (a buffer property may hold null).
  #ownBuffers(): [string, Tensor][] {
    const own = this.#own();
    const out: [string, Tensor][] = [];
    for (const key of this.#buffers.keys()) {
      const value = own[key];
      if (value instanceof Tensor) out.push([key, value as Tensor]);
    }
    return out;
  }

  #own(): Record<string, unknown> {
    return this as unknown as Record<string, unknown>;
  }
}

function join(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

function checkName(fn: string, name: string): void {
  if (name === '' || name.includes('.')) {
    throw new ArgumentError(`${fn}: name must be non-empty and contain no '.', got '${name}'`);
  }
}
