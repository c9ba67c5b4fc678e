import { ArgumentError, type Generator, type Tensor } from '@tsgrad/core';
import { dropout } from '@tsgrad/ops';
import { Module } from '../module/module.js';

/**
 * Zeroes each element with probability `p` in training mode and scales the rest by
 * `1/(1 − p)`; the identity after `eval()` or when `p` is 0.
 */
export class Dropout extends Module {
  /** Source of randomness for the masks (default: the global generator). */
  readonly generator: Generator | undefined;

  constructor(
    readonly p = 0.5,
    opts: { generator?: Generator } = {},
  ) {
    super();
    if (!(p >= 0 && p <= 1)) throw new ArgumentError(`Dropout: p must be in [0, 1], got ${p}`);
    this.generator = opts.generator;
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }

  /** Same shape as `x`. */
  override forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    return dropout(x, this.p, { generator: this.generator });
  }
}
