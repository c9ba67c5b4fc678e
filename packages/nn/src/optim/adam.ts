import { ArgumentError, markModified, zerosLike, type Tensor } from '@tsgrad/core';
import { adamUpdateWasm } from '@tsgrad/ops';
import { Optimizer, flatData, paramData, type ParamsInput } from './optimizer.js';

/** Options of Adam and AdamW (PyTorch's names in camelCase). */
export interface AdamOptions {
  /** Learning rate η (default 1e-3). */
  lr: number;
  /** Decay rates (β₁, β₂) of the first- and second-moment averages, each in [0, 1) (default (0.9, 0.999)). */
  betas: [number, number];
  /** Added to the denominator √v̂ so tiny second moments do not blow up the step (default 1e-8). */
  eps: number;
  /** λ: L2 penalty added to the gradient (Adam, default 0) or decoupled decay θ(1 − ηλ) (AdamW, default 1e-2). */
  weightDecay: number;
}

/**
 * One fused Adam update over a parameter's typed arrays, PyTorch's single-tensor formula:
 * m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − (η/(1−β₁ᵗ)) · m / (√v/√(1−β₂ᵗ) + ε).
 * `decoupled` applies AdamW's θ ← θ(1 − ηλ) instead of adding λθ to the gradient.
 */
function adamStep(optimizer: Optimizer<AdamOptions>, name: string, decoupled: boolean): void {
  for (const group of optimizer.paramGroups) {
    const { lr, eps, weightDecay } = group;
    const [beta1, beta2] = group.betas;
    for (const p of group.params) {
      if (p.grad === null) continue;
      const theta = paramData(p, name);
      const grad = flatData(p.grad, `${name}: gradient`);
      let state = optimizer.state.get(p);
      if (state === undefined) {
        state = { step: 0, expAvg: zerosLike(p), expAvgSq: zerosLike(p) };
        optimizer.state.set(p, state);
      }
      const step = (state.step as number) + 1;
      state.step = step;
      const m = flatData(state.expAvg as Tensor, `${name}: expAvg`);
      const v = flatData(state.expAvgSq as Tensor, `${name}: expAvgSq`);
      const stepSize = lr / (1 - beta1 ** step);
      const correction2Sqrt = Math.sqrt(1 - beta2 ** step);
      const decay = decoupled ? 1 - lr * weightDecay : 1;
      const l2 = decoupled ? 0 : weightDecay;
      // WebAssembly branch for float32 (bit-identical to the loop below, which runs otherwise).
      const wasm = theta instanceof Float32Array && grad instanceof Float32Array && m instanceof Float32Array &&
        v instanceof Float32Array &&
        adamUpdateWasm(theta, grad, m, v, { beta1, beta2, stepSize, correction2Sqrt, eps, decay, l2 });
      for (let i = 0; !wasm && i < theta.length; i++) {
        const t = theta[i]! * decay;
        const g = grad[i]! + l2 * t;
        const mi = beta1 * m[i]! + (1 - beta1) * g;
        const vi = beta2 * v[i]! + (1 - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        theta[i] = t - (stepSize * mi) / (Math.sqrt(vi) / correction2Sqrt + eps);
      }
      markModified(p);
    }
  }
}

function checkAdamOptions(name: string, o: AdamOptions): void {
  if (!(o.lr >= 0)) throw new ArgumentError(`${name}: lr must be non-negative, got ${o.lr}`);
  if (!(o.eps >= 0)) throw new ArgumentError(`${name}: eps must be non-negative, got ${o.eps}`);
  o.betas.forEach((b, i) => {
    if (!(b >= 0 && b < 1)) throw new ArgumentError(`${name}: betas[${i}] must be in [0, 1), got ${b}`);
  });
  if (!(o.weightDecay >= 0)) throw new ArgumentError(`${name}: weightDecay must be non-negative, got ${o.weightDecay}`);
}

/** Adam (`torch.optim.Adam`): L2 weight decay added to the gradient. Defaults lr 1e-3, betas (0.9, 0.999), eps 1e-8, weightDecay 0. */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: ParamsInput<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    const defaults: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, ...opts };
    checkAdamOptions('Adam', defaults);
    super('Adam', params, defaults);
    this.paramGroups.forEach((g) => checkAdamOptions('Adam', g));
  }

  protected checkOptions(options: AdamOptions): void {
    checkAdamOptions('Adam', options);
  }

  step(): void {
    adamStep(this, 'Adam', false);
  }
}

/** AdamW (`torch.optim.AdamW`): decoupled weight decay. Defaults lr 1e-3, betas (0.9, 0.999), eps 1e-8, weightDecay 1e-2. */
export class AdamW extends Optimizer<AdamOptions> {
  constructor(params: ParamsInput<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    const defaults: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, ...opts };
    checkAdamOptions('AdamW', defaults);
    super('AdamW', params, defaults);
    this.paramGroups.forEach((g) => checkAdamOptions('AdamW', g));
  }

  protected checkOptions(options: AdamOptions): void {
    checkAdamOptions('AdamW', options);
  }

  step(): void {
    adamStep(this, 'AdamW', true);
  }
}
