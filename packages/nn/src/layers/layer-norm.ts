import { ones, zeros, type FloatDType, type Tensor } from '@tsgrad/core';
import { layerNorm } from '../functional/layer-norm.js';
import { Module } from '../module/module.js';
import { parameter } from '../module/parameter.js';

/** Options of `LayerNorm`. */
export interface LayerNormModuleOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learn a weight (and bias) of the normalised shape (default true). */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, also learn a bias (default true). */
  bias?: boolean;
  /** Parameter dtype (default float32). */
  dtype?: FloatDType;
}

/**
 * Layer normalisation over the trailing `normalizedShape` dims (a number for the last dim):
 * `(x − mean) / sqrt(var + eps) · weight + bias`, weight starting at 1 and bias at 0.
 */
export class LayerNorm extends Module {
  /** Scale, or null without elementwiseAffine. */
  weight: Tensor | null;
  /** Shift, or null. */
  bias: Tensor | null;
  /** The normalised trailing dims. */
  readonly normalizedShape: readonly number[];
  /** Added to the variance. */
  readonly eps: number;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormModuleOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.eps = opts.eps ?? 1e-5;
    const affine = opts.elementwiseAffine ?? true;
    const dtype = opts.dtype ?? 'float32';
    this.weight = affine ? parameter(ones(this.normalizedShape, { dtype })) : null;
    this.bias = affine && (opts.bias ?? true) ? parameter(zeros(this.normalizedShape, { dtype })) : null;
  }

  override extraRepr(): string {
    return `[${this.normalizedShape.join(', ')}], eps=${this.eps}, elementwiseAffine=${this.weight !== null}`;
  }

  /** `(..., *normalizedShape)` → same shape. */
  override forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }
}
