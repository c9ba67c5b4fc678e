// Central finite differences for checking backward rules in tests (float64 inputs).
// Non-scalar outputs are reduced to Σ out ∘ w with a fixed random cotangent w, so that every
// output element and every direction is exercised.
import { Generator, grad, mul, sum, tensor, type Tensor } from '@tsgrad/core';

/** A function of tensors checked by these helpers. */
export type TensorFn = (...inputs: Tensor[]) => Tensor;

/** Tolerances of the comparisons: |analytic − numeric| ≤ atol + rtol·|numeric|. */
export interface GradientCheckOptions {
  atol?: number;
  rtol?: number;
  /** Finite-difference step. Default 1e-6. */
  eps?: number;
  /** Seed of the random cotangent (and second-order direction). Default 0. */
  seed?: number;
}

/** Storage offset of each element of `t` in row-major order. */
function storageOffsets(t: Tensor): number[] {
  const offsets: number[] = [];
  const walk = (dim: number, at: number): void => {
    if (dim === t.ndim) {
      offsets.push(at);
      return;
    }
    for (let i = 0; i < t.shape[dim]!; i++) walk(dim + 1, at + i * t.strides[dim]!);
  };
  walk(0, t.offset);
  return offsets;
}

function weightedSum(out: Tensor, weights: Float64Array | undefined): number {
  const values = out.toTypedArray();
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]! * (weights ? weights[i]! : 1);
  return s;
}

/**
 * Numerical gradient of Σ fn(...inputs) ∘ cotangent (cotangent defaults to all ones) with
 * respect to each input that requires grad, by central differences with step `eps`. Returns
 * one Float64Array per input in row-major order, null for inputs that do not require grad.
 * Inputs are perturbed in place and restored; they should not overlap in memory.
 */
export function numericalGrad(
  fn: TensorFn,
  inputs: readonly Tensor[],
  eps = 1e-6,
  cotangent?: Float64Array,
): (Float64Array | null)[] {
  return inputs.map((x) => {
    if (!x.requiresGrad) return null;
    const data = x.storage.data;
    return Float64Array.from(storageOffsets(x), (at) => {
      const original = data[at]!;
      data[at] = original + eps;
      const plus = weightedSum(fn(...inputs), cotangent);
      data[at] = original - eps;
      const minus = weightedSum(fn(...inputs), cotangent);
      data[at] = original;
      return (plus - minus) / (2 * eps);
    });
  });
}

/** Autograd's gradient of Σ fn(...inputs) ∘ cotangent, aligned with `numericalGrad`. */
export function analyticalGrad(fn: TensorFn, inputs: readonly Tensor[], cotangent?: Float64Array): (Float64Array | null)[] {
  const out = fn(...inputs);
  const wrt = inputs.filter((x) => x.requiresGrad);
  const gradOutputs = tensor(cotangent ?? new Float64Array(out.size).fill(1), { shape: out.shape, dtype: out.dtype });
  const grads = grad(out, wrt, { gradOutputs, allowUnused: true });
  return inputs.map((x) => {
    if (!x.requiresGrad) return null;
    const g = grads[wrt.indexOf(x)];
    return g ? Float64Array.from(g.toTypedArray()) : new Float64Array(x.size);
  });
}

function randomWeights(size: number, g: Generator): Float64Array {
  return Float64Array.from({ length: size }, () => g.normal());
}

/**
 * Throws a descriptive Error unless autograd's gradients of `fn` match central differences
 * for every input that requires grad (defaults: atol 1e-6, rtol 1e-5).
 */
export function expectGradientsMatch(fn: TensorFn, inputs: readonly Tensor[], opts: GradientCheckOptions = {}): void {
  const { atol = 1e-6, rtol = 1e-5, eps = 1e-6, seed = 0 } = opts;
  const size = fn(...inputs).size;
  const w = randomWeights(size, new Generator(seed));
  const analytic = analyticalGrad(fn, inputs, w);
  const numeric = numericalGrad(fn, inputs, eps, w);
  numeric.forEach((num, k) => {
    const ana = analytic[k]!;
    if (num === null) return;
    for (let i = 0; i < num.length; i++) {
      const diff = Math.abs(ana[i]! - num[i]!);
      if (!(diff <= atol + rtol * Math.abs(num[i]!))) {
        throw new Error(
          `gradient mismatch for input ${k} (shape [${inputs[k]!.shape.join(',')}]) at element ${i}: ` +
            `analytic ${ana[i]}, numeric ${num[i]} (|diff| ${diff})\nanalytic: ${Array.from(ana).join(', ')}\nnumeric:  ${Array.from(num).join(', ')}`,
        );
      }
    }
  });
}

/**
 * Checks second derivatives: the gradients (taken with `createGraph`) of `fn`, contracted with
 * a random direction, must themselves have gradients matching central differences.
 */
export function expectSecondOrderGradientsMatch(fn: TensorFn, inputs: readonly Tensor[], opts: GradientCheckOptions = {}): void {
  const seed = opts.seed ?? 0;
  const gen = new Generator(seed + 1);
  const out = fn(...inputs);
  const w = tensor(randomWeights(out.size, gen), { shape: out.shape, dtype: out.dtype });
  const wrt = inputs.filter((x) => x.requiresGrad);
  const directions = wrt.map((x) => tensor(randomWeights(x.size, gen), { shape: x.shape, dtype: x.dtype }));
  const firstOrder: TensorFn = (...xs) => {
    const grads = grad(fn(...xs), wrt, { gradOutputs: w, createGraph: true, allowUnused: true });
    let total: Tensor | null = null;
    grads.forEach((g, i) => {
      if (g === null || !g.requiresGrad) return;
      const term = sum(mul(g, directions[i]!));
      total = total === null ? term : total.add(term);
    });
    return total ?? sum(mul(xs[0]!, 0));
  };
  expectGradientsMatch(firstOrder, inputs, { atol: 1e-5, rtol: 1e-4, ...opts });
}
