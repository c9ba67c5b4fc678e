// Gradient oracle for the registry-driven gradcheck until @tsgrad/nn ships a public gradcheck:
// analytic gradients from grad() against central finite differences, in float64.
import { Generator, Tensor, grad, mul, randn, sum, tensor, zerosLike } from '@tsgrad/core';

/** Step and tolerances: |analytic - numeric| <= atol + rtol·|numeric| per element. */
export interface Tolerance {
  eps: number;
  atol: number;
  rtol: number;
}

export const DEFAULT_TOLERANCE: Tolerance = { eps: 1e-6, atol: 1e-5, rtol: 1e-3 };

/** A scalar function of some leaves and its analytic gradient with respect to each of them. */
interface Scalar {
  value: () => number;
  gradients: () => Tensor[];
}

function checkLeaf(x: Tensor, i: number): void {
  if (x.dtype !== 'float64' || !x.isLeaf || !x.isContiguous()) {
    throw new Error(`gradcheck: input ${i} must be a contiguous float64 leaf, got ${x.dtype} ${x.isLeaf ? 'leaf' : 'non-leaf'} of shape [${x.shape}]`);
  }
}

/** Gradients of `y` for every leaf, zeros where `y` does not depend on one. */
function gradientsOrZeros(y: Tensor, leaves: readonly Tensor[]): Tensor[] {
  if (!y.requiresGrad) return leaves.map((x) => zerosLike(x));
  return grad(y, leaves, { allowUnused: true }).map((g, i) => g ?? zerosLike(leaves[i]!));
}

/** Every element where the analytic gradient of `f` disagrees with central differences. */
function compare(label: string, f: Scalar, leaves: readonly Tensor[], tol: Tolerance): string[] {
  const analytic = f.gradients().map((g) => g.toTypedArray());
  const problems: string[] = [];
  leaves.forEach((x, i) => {
    const data = x.storage.data as Float64Array;
    for (let e = 0; e < x.size; e++) {
      const at = x.offset + e;
      const saved = data[at]!;
      data[at] = saved + tol.eps;
      const up = f.value();
      data[at] = saved - tol.eps;
      const down = f.value();
      data[at] = saved;
      const numeric = (up - down) / (2 * tol.eps);
      const a = analytic[i]![e]!;
      if (!(Math.abs(a - numeric) <= tol.atol + tol.rtol * Math.abs(numeric))) {
        problems.push(`${label}: input ${i} [${x.shape}] element ${e}: analytic ${a}, numeric ${numeric}`);
      }
    }
  });
  return problems;
}

/**
 * Checks the first derivatives of `fn` at `inputs` (those that require grad), through the
 * scalar L = Σ fn(inputs) ∘ c with a random cotangent c. With `secondOrder`, also checks the
 * derivatives of H = Σᵢ ∇ᵢL ∘ vᵢ with respect to the inputs and to c itself (as PyTorch's
 * gradgradcheck does), which exercises every backward rule as a differentiable function.
 * Returns one line per mismatching element; empty means the gradients agree.
 */
export function checkGradients(
  fn: (...xs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  opts: { secondOrder?: boolean; seed?: number; tolerance?: Tolerance } = {},
): string[] {
  const tol = opts.tolerance ?? DEFAULT_TOLERANCE;
  const generator = new Generator(opts.seed ?? 0);
  const leaves = inputs.filter((x) => x.requiresGrad);
  leaves.forEach(checkLeaf);
  const out = fn(...inputs);
  const cotangent = randn(out.shape, { dtype: 'float64', generator });
  const loss = (c: Tensor) => sum(mul(fn(...inputs), c));
  const first: Scalar = {
    // Not under noGrad: a case may itself call grad() (to reach a backward op).
    value: () => loss(cotangent).item(),
    gradients: () => gradientsOrZeros(loss(cotangent), leaves),
  };
  const problems = compare('first order', first, leaves, tol);
  if (!opts.secondOrder) return problems;

  const c = tensor(cotangent, { requiresGrad: true });
  const directions = leaves.map((x) => randn(x.shape, { dtype: 'float64', generator }));
  const project = (create: boolean) => {
    const l = loss(c);
    if (!l.requiresGrad) return sum(mul(c, 0));
    const g = grad(l, leaves, { createGraph: create, allowUnused: true });
    return g.reduce<Tensor>((acc, gi, i) => (gi === null ? acc : acc.add(sum(mul(gi, directions[i]!)))), sum(mul(c, 0)));
  };
  const second: Scalar = {
    value: () => project(false).item(),
    gradients: () => gradientsOrZeros(project(true), [...leaves, c]),
  };
  return [...problems, ...compare('second order', second, [...leaves, c], tol)];
}
