import type { FloatDType, Generator, Tensor } from '@tsgrad/core';
import { gelu, linearGelu, type GeluApproximate } from '@tsgrad/ops';
import { Module } from '../module/module.js';
import { Linear } from './linear.js';

/** Options of `MLP` and `SwiGLU`. */
export interface FeedForwardOptions {
  /** Biases on the linear layers (default true). */
  bias?: boolean;
  /** Parameter dtype (default float32). */
  dtype?: FloatDType;
  /** Source of randomness for the initial weights. */
  generator?: Generator;
}

/**
 * The GPT feed-forward block: `fc2(gelu(fc1(x)))`, `(..., dModel) → (..., dModel)` through a
 * hidden width `dFf`. GELU is the exact erf form unless `approximate: 'tanh'`.
 */
export class MLP extends Module {
  /** `dModel → dFf`. */
  readonly fc1: Linear;
  /** `dFf → dModel` (the residual output projection). */
  readonly fc2: Linear;
  /** Which GELU is applied between the layers. */
  readonly approximate: GeluApproximate;

  constructor(dModel: number, dFf: number, opts: FeedForwardOptions & { approximate?: GeluApproximate } = {}) {
    super();
    this.fc1 = new Linear(dModel, dFf, opts);
    this.fc2 = new Linear(dFf, dModel, opts);
    this.approximate = opts.approximate ?? 'none';
  }

  /** `(..., dModel) → (..., dModel)`. The exact GELU runs fused with fc1 (`linearGelu`). */
  override forward(x: Tensor): Tensor {
    const hidden =
      this.approximate === 'none'
        ? linearGelu(x, this.fc1.weight, this.fc1.bias)
        : gelu(this.fc1.forward(x), { approximate: this.approximate });
    return this.fc2.forward(hidden);
  }
}
