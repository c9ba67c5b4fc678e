import { ones, type FloatDType, type Tensor } from '@tsgrad/core';
import { rmsNorm } from '../functional/rms-norm.js';
import { Module } from '../module/module.js';
import { parameter } from '../module/parameter.js';

/** Options of `RMSNorm`. */
export interface RMSNormModuleOptions {
  /** Added to the mean square (default 1e-5). */
  eps?: number;
  /** Learn a weight of the normalised shape (default true). */
  elementwiseAffine?: boolean;
  /** Parameter dtype (default float32). */
  dtype?: FloatDType;
}

/**
 * Root-mean-square normalisation over the trailing `normalizedShape` dims:
 * `y = x / sqrt(mean(x²) + eps) · weight`, weight starting at 1.
 */
export class RMSNorm extends Module {
  /** Scale, or null without elementwiseAffine. */
  weight: Tensor | null;
  /** The normalised trailing dims. */
  readonly normalizedShape: readonly number[];
  /** Added to the mean square. */
  readonly eps: number;

  constructor(normalizedShape: number | readonly number[], opts: RMSNormModuleOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.eps = opts.eps ?? 1e-5;
    this.weight = opts.elementwiseAffine ?? true ? parameter(ones(this.normalizedShape, { dtype: opts.dtype ?? 'float32' })) : null;
  }

  override extraRepr(): string {
    return `[${this.normalizedShape.join(', ')}], eps=${this.eps}`;
  }

  /** `(..., *normalizedShape)` → same shape. */
  override forward(x: Tensor): Tensor {
    return rmsNorm(x, this.normalizedShape, { weight: this.weight, eps: this.eps });
  }
}
