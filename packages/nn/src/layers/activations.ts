import { ArgumentError, type Tensor } from '@tsgrad/core';
import { gelu, relu, silu, type GeluApproximate } from '@tsgrad/ops';
import { Module } from '../module/module.js';

/** GELU as a module: `x·Φ(x)` (erf), or the tanh approximation with `{ approximate: 'tanh' }`. */
export class GELU extends Module {
  /** Which GELU is computed. */
  readonly approximate: GeluApproximate;

  constructor(opts: { approximate?: GeluApproximate } = {}) {
    super();
    const approximate = opts.approximate ?? 'none';
    if (approximate !== 'none' && approximate !== 'tanh') {
      throw new ArgumentError(`GELU: approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
    }
    this.approximate = approximate;
  }

  override extraRepr(): string {
    return this.approximate === 'none' ? '' : `approximate='${this.approximate}'`;
  }

  /** Elementwise GELU. */
  override forward(x: Tensor): Tensor {
    return gelu(x, { approximate: this.approximate });
  }
}

/** SiLU (swish) as a module: `x·sigmoid(x)`. */
export class SiLU extends Module {
  /** Elementwise SiLU. */
  override forward(x: Tensor): Tensor {
    return silu(x);
  }
}

/** ReLU as a module: `max(x, 0)`. */
export class ReLU extends Module {
  /** Elementwise ReLU. */
  override forward(x: Tensor): Tensor {
    return relu(x);
  }
}
