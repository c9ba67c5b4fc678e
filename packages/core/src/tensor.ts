import type { DType, TypedArray } from './dtype.js';
import { dtypeOfArray, isFloat } from './dtype.js';
import { AutogradError, DTypeError, ShapeError, fmtShape } from './errors.js';
import { contiguousStrides, shapeSize } from './shape.js';
import { Storage } from './storage.js';
import { copyStrided } from './kernels/strided.js';
import { formatTensor } from './format.js';
import type { Node } from './autograd/node.js';

/** A function called with a tensor's gradient during backward; it may return a replacement. */
export type GradHook = (grad: Tensor) => Tensor | void;

/** Handle returned by `registerHook`; `remove()` unregisters the hook. */
export interface HookHandle {
  /** Unregisters the hook; calling it again does nothing. */
  remove(): void;
}

/** Nested JavaScript arrays of numbers, as `toArray()` returns them. */
export type NestedArray = number | NestedArray[];

/** Options of `Tensor.backward`. */
export interface BackwardOptions {
  /** Keep the graph so backward can run through it again. Defaults to `createGraph`. */
  retainGraph?: boolean;
  /** Record the backward pass itself, so gradients can be differentiated again. */
  createGraph?: boolean;
}

/**
 * An n-dimensional array with reverse-mode autograd: a strided view (`shape`, `strides`,
 * `offset`) over a typed-array `storage` of one `dtype`. Views share storage; ops record a
 * graph node (`gradFn`) while grad mode is on and an input requires grad.
 *
 * Create tensors with the factories (`tensor`, `zeros`, `randn`, ...); the constructor is the
 * low-level path used by ops and kernels.
 */
export class Tensor {
  /** Gradient accumulated by `backward()` (leaves, and non-leaves that called `retainGrad`). */
  grad: Tensor | null = null;
  /** The graph node that produced this tensor, or null for a leaf. */
  gradFn: Node | null = null;
  /** Whether `backward()` stores this non-leaf's gradient in `.grad`. */
  retainsGrad = false;
  /** Hooks called with this tensor's gradient during backward. */
  readonly hooks: GradHook[] = [];
  private leafRequiresGrad = false;

  /** Wraps a strided view over `storage`; no copy, no checks beyond the basics. */
  constructor(
    readonly storage: Storage,
    readonly shape: readonly number[],
    readonly strides: readonly number[] = contiguousStrides(shape),
    readonly offset = 0,
  ) {}

  /** Creates a contiguous tensor owning `data` (no copy). */
  static fromData(data: TypedArray, shape: readonly number[]): Tensor {
    if (data.length !== shapeSize(shape)) {
      throw new ShapeError(`tensor: ${data.length} values do not fill shape ${fmtShape(shape)}`);
    }
    return new Tensor(new Storage(data), shape);
  }

  /** Element type. */
  get dtype(): DType {
    return dtypeOfArray(this.storage.data);
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  get size(): number {
    return shapeSize(this.shape);
  }

  /** Number of elements (PyTorch's `numel()`). */
  numel(): number {
    return shapeSize(this.shape);
  }

  /** Version counter of the storage, bumped by in-place ops on this tensor or any view of it. */
  get version(): number {
    return this.storage.version;
  }

  /** True for tensors not produced by a recorded op. */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** Whether gradients flow to this tensor. Settable on leaves only, as in PyTorch. */
  get requiresGrad(): boolean {
    return this.leafRequiresGrad || this.gradFn !== null;
  }

  set requiresGrad(value: boolean) {
    if (this.gradFn !== null) {
      throw new AutogradError(
        'requiresGrad: can only be set on leaf tensors; use detach() to get a leaf from a computed tensor',
      );
    }
    if (value && !isFloat(this.dtype)) {
      throw new DTypeError(`requiresGrad: only float32/float64 tensors can require grad, got ${this.dtype}`);
    }
    this.leafRequiresGrad = value;
  }

  /** Sets `requiresGrad` in place and returns this tensor, for chaining. */
  requiresGrad_(value = true): this {
    this.requiresGrad = value;
    return this;
  }

  /** True when the elements are laid out row-major without gaps. */
  isContiguous(): boolean {
    let expected = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      const size = this.shape[i]!;
      if (size !== 1 && this.strides[i] !== expected) return false;
      expected *= size;
    }
    return true;
  }

  /** A new leaf sharing storage, cut off from the graph (`requiresGrad` false). */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape, this.strides, this.offset);
  }

  /** The elements as a fresh row-major typed array. */
  toTypedArray(): TypedArray {
    const out = new (this.storage.data.constructor as new (n: number) => TypedArray)(this.size);
    copyStrided(this.storage.data, this.offset, this.strides, this.shape, out);
    return out;
  }

  /** The elements as nested arrays of numbers (bool as 0/1); a scalar gives a number. */
  toArray(): NestedArray {
    const flat = this.toTypedArray();
    const build = (dim: number, start: number): NestedArray => {
      if (dim === this.shape.length) return flat[start]!;
      const step = shapeSize(this.shape.slice(dim + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[dim]!; i++) out.push(build(dim + 1, start + i * step));
      return out;
    };
    return build(0, 0);
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) {
      throw new ShapeError(`item: only one-element tensors can be converted to a number, got shape ${fmtShape(this.shape)}`);
    }
    return this.storage.data[this.offset]!;
  }

  /** PyTorch-style text: values (abbreviated when large), shape, dtype and grad info. */
  toString(): string {
    return formatTensor(this);
  }

  /**
   * Registers a hook called with this tensor's gradient each time it is computed; a returned
   * tensor replaces the gradient.
   */
  registerHook(hook: GradHook): HookHandle {
    if (!this.requiresGrad) {
      throw new AutogradError("registerHook: cannot register a hook on a tensor that doesn't require grad");
    }
    this.hooks.push(hook);
    return {
      remove: () => {
        const i = this.hooks.indexOf(hook);
        if (i >= 0) this.hooks.splice(i, 1);
      },
    };
  }

  /** Makes `backward()` keep this non-leaf tensor's gradient in `.grad`. */
  retainGrad(): void {
    if (!this.requiresGrad) {
      throw new AutogradError("retainGrad: cannot retain the grad of a tensor that doesn't require grad");
    }
    if (this.gradFn !== null) this.retainsGrad = true;
  }
}
