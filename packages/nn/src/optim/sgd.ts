import { ArgumentError, markModified, zerosLike, type Tensor } from '@tsgrad/core';
import { Optimizer, flatData, paramData, type ParamsInput } from './optimizer.js';

/** Options of SGD (PyTorch's names in camelCase and defaults). */
export interface SGDOptions {
  /** Learning rate η; required, no default (as in PyTorch). */
  lr: number;
  /** μ: factor of the momentum buffer; 0 (default) is plain SGD without a buffer. */
  momentum: number;
  /** τ: the new gradient enters the momentum buffer scaled by (1 − τ) (default 0). */
  dampening: number;
  /** λ: L2 penalty, λθ added to the gradient before momentum (default 0). */
  weightDecay: number;
  /** Nesterov momentum: step along g + μb instead of b; needs momentum > 0 and dampening 0 (default false). */
  nesterov: boolean;
}

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight
 * decay, step for step identical to `torch.optim.SGD`:
 * g ← ∇ + λθ; b ← g (first step) or μb + (1−τ)g; g ← g + μb (Nesterov) or b; θ ← θ − ηg.
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, opts: Partial<SGDOptions> & { lr: number }) {
    const defaults: SGDOptions = { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, ...opts };
    checkSgdOptions(defaults);
    super('SGD', params, defaults);
    this.paramGroups.forEach(checkSgdOptions);
  }

  protected checkOptions(options: SGDOptions): void {
    checkSgdOptions(options);
  }

  step(): void {
    for (const group of this.paramGroups) {
      const { lr, momentum, dampening, weightDecay, nesterov } = group;
      for (const p of group.params) {
        if (p.grad === null) continue;
        const theta = paramData(p, 'SGD');
        const grad = flatData(p.grad, 'SGD: gradient');
        let state = this.state.get(p);
        const first = state === undefined;
        if (momentum !== 0 && first) this.state.set(p, (state = { momentumBuffer: zerosLike(p) }));
        const buf = momentum !== 0 ? flatData(state!.momentumBuffer as Tensor, 'SGD: momentum buffer') : null;
        for (let i = 0; i < theta.length; i++) {
          let g = grad[i]! + weightDecay * theta[i]!;
          if (buf !== null) {
            const b = first ? g : momentum * buf[i]! + (1 - dampening) * g;
            buf[i] = b;
            g = nesterov ? g + momentum * b : b;
          }
          theta[i] = theta[i]! - lr * g;
        }
        markModified(p);
      }
    }
  }
}

function checkSgdOptions(o: SGDOptions): void {
  if (!(o.lr >= 0)) throw new ArgumentError(`SGD: lr must be non-negative, got ${o.lr}`);
  if (!(o.momentum >= 0)) throw new ArgumentError(`SGD: momentum must be non-negative, got ${o.momentum}`);
  if (!(o.weightDecay >= 0)) throw new ArgumentError(`SGD: weightDecay must be non-negative, got ${o.weightDecay}`);
  if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
    throw new ArgumentError('SGD: nesterov momentum requires a momentum > 0 and zero dampening');
  }
}
