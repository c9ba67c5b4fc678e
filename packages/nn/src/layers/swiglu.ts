import { mul, type Tensor } from '@tsgrad/core';
import { silu } from '@tsgrad/ops';
import { Module } from '../module/module.js';
import { Linear } from './linear.js';
import type { FeedForwardOptions } from './mlp.js';

/**
 * The gated feed-forward block of LLaMA-style models: `w2(silu(w1(x)) ∘ w3(x))`,
 * `(..., dModel) → (..., dModel)` through a hidden width `dFf`.
 */
export class SwiGLU extends Module {
  /** Gate projection, `dModel → dFf`. */
  readonly w1: Linear;
  /** Output projection, `dFf → dModel` (the residual output projection). */
  readonly w2: Linear;
  /** Value projection, `dModel → dFf`. */
  readonly w3: Linear;

  constructor(dModel: number, dFf: number, opts: FeedForwardOptions = {}) {
    super();
    this.w1 = new Linear(dModel, dFf, opts);
    this.w2 = new Linear(dFf, dModel, opts);
    this.w3 = new Linear(dModel, dFf, opts);
  }

  /** `(..., dModel) → (..., dModel)`. */
  override forward(x: Tensor): Tensor {
    return this.w2.forward(mul(silu(this.w1.forward(x)), this.w3.forward(x)));
  }
}
