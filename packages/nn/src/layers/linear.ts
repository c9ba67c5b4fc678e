import { ArgumentError, zeros, type FloatDType, type Generator, type Tensor } from '@tsgrad/core';
import { linear } from '@tsgrad/ops';
import { Module } from '../module/module.js';
import { parameter } from '../module/parameter.js';
import { initUniform_ } from './init.js';

/** Options of `Linear`. */
export interface LinearOptions {
  /** Add a learned bias (default true). */
  bias?: boolean;
  /** Parameter dtype (default float32). */
  dtype?: FloatDType;
  /** Source of randomness for the initial weights. */
  generator?: Generator;
}

/**
 * Affine map `y = x Wᵀ + b` over the last dim: `(..., inFeatures) → (..., outFeatures)`.
 * `weight` is `[outFeatures, inFeatures]` as in PyTorch, so checkpoints map across. Both
 * weight and bias start as U(−1/√in, 1/√in), PyTorch's default (kaiming_uniform with a=√5).
 */
export class Linear extends Module {
  /** `[outFeatures, inFeatures]`; assignable, so a weight can be tied to another module's. */
  weight: Tensor;
  /** `[outFeatures]`, or null without bias. */
  bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: LinearOptions = {},
  ) {
    super();
    checkSize('Linear', 'inFeatures', inFeatures);
    checkSize('Linear', 'outFeatures', outFeatures);
    const dtype = opts.dtype ?? 'float32';
    const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
    const init = { generator: opts.generator };
    this.weight = parameter(initUniform_(zeros([outFeatures, inFeatures], { dtype }), -bound, bound, init));
    this.bias = opts.bias ?? true ? parameter(initUniform_(zeros([outFeatures], { dtype }), -bound, bound, init)) : null;
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }

  /** `(..., inFeatures) → (..., outFeatures)`. */
  override forward(x: Tensor): Tensor {
    return this.bias === null ? linear(x, this.weight) : linear(x, this.weight, this.bias);
  }
}

/** Throws unless `value` is a non-negative integer size. */
export function checkSize(fn: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new ArgumentError(`${fn}: ${name} must be a non-negative integer, got ${value}`);
  }
}
