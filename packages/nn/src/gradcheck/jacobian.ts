// Numerical and analytical Jacobians for gradcheck. Layout: one Float64Array per (input,
// output) pair, row-major over (output element, input element).
import {
  ArgumentError,
  Tensor,
  enableGrad,
  grad,
  isFloat,
  shapeSize,
  zeros,
  type Generator,
} from '@tsgrad/core';
import type { GradcheckFn } from './types.js';

/** The multi-index of row-major element `flat` of `shape`. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1, rest = flat; d >= 0; d--) {
    out[d] = rest % shape[d]!;
    rest = Math.floor(rest / shape[d]!);
  }
  return out;
}

/** Storage offset of every element of `t`, in row-major order of its shape. */
export function storageOffsets(t: Tensor): number[] {
  const out: number[] = [];
  for (let i = 0; i < t.size; i++) {
    const idx = unravel(i, t.shape);
    out.push(idx.reduce((off, v, d) => off + v * t.strides[d]!, t.offset));
  }
  return out;
}

/** A type guard (instanceof alone does not narrow unions with the augmented Tensor type). */
export function isTensor(value: unknown): value is Tensor {
  return value instanceof Tensor;
}

/** A tensor or a list of them as a list. */
export function asList(value: Tensor | readonly Tensor[]): Tensor[] {
  return isTensor(value) ? [value] : [...value];
}

/** The function's outputs as a list (a single tensor becomes a list of one). */
export function asOutputList(result: Tensor | readonly Tensor[], label: string): Tensor[] {
  const list = asList(result);
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new ArgumentError(`${label}: fn returned a non-tensor as output ${i}`);
  });
  return list;
}

/**
 * Runs `fn` and returns each float output's values in float64 (null for int/bool outputs).
 * Grad mode is on, as for the analytical pass, so `fn` behaves the same in both (and may
 * call `grad` itself, as gradgradcheck's function does).
 */
export function evaluate(fn: GradcheckFn, inputs: readonly Tensor[], label: string): (Float64Array | null)[] {
  const outputs = enableGrad(() => asOutputList(fn(...inputs), label));
  return outputs.map((o) => (isFloat(o.dtype) ? Float64Array.from(o.toTypedArray()) : null));
}

/**
 * Central differences for one input: column e of each output's Jacobian is
 * (f(x + eps·e) − f(x − eps·e)) / (x₊ − x₋), dividing by the step actually stored (which
 * differs from 2·eps only by rounding, noticeably in float32). The input is restored exactly.
 */
export function numericalJacobian(
  fn: GradcheckFn,
  inputs: readonly Tensor[],
  index: number,
  outSizes: readonly (number | null)[],
  eps: number,
  label: string,
): (Float64Array | null)[] {
  const x = inputs[index]!;
  const data = x.storage.data;
  const offsets = storageOffsets(x);
  const n = offsets.length;
  const jac = outSizes.map((m) => (m === null ? null : new Float64Array(m * n)));
  offsets.forEach((off, e) => {
    const original = data[off]!;
    data[off] = original + eps;
    const plusValue = data[off]!;
    const plus = evaluate(fn, inputs, label);
    data[off] = original - eps;
    const step = plusValue - data[off]!;
    const minus = evaluate(fn, inputs, label);
    data[off] = original;
    jac.forEach((j, o) => {
      if (j === null) return;
      const p = plus[o]!;
      const m = minus[o]!;
      for (let r = 0; r < p.length; r++) j[r * n + e] = (p[r]! - m[r]!) / step;
    });
  });
  return jac;
}

/** A one-hot (or given-vector) gradient for `output`, in its dtype. */
function cotangent(output: Tensor, fill: (data: Float64Array) => void): Tensor {
  const values = new Float64Array(output.size);
  fill(values);
  const g = zeros(output.shape, { dtype: output.dtype });
  g.storage.data.set(values);
  return g;
}

/** Input gradients of Σ output·g as float64 arrays (zeros where autograd returns none). */
export function vjp(output: Tensor, diffInputs: readonly Tensor[], g: Tensor): Float64Array[] {
  if (!output.requiresGrad) return diffInputs.map((t) => new Float64Array(t.size));
  const grads = grad(output, diffInputs, { gradOutputs: g, retainGraph: true, allowUnused: true });
  return grads.map((gi, i) => (gi === null ? new Float64Array(diffInputs[i]!.size) : Float64Array.from(gi.toTypedArray())));
}

/**
 * Rows of every (input, output) Jacobian by backward passes with one-hot output gradients,
 * twice: `first` and `second` must agree for a reentrant (deterministic) backward.
 */
export function analyticalJacobian(
  outputs: readonly Tensor[],
  diffInputs: readonly Tensor[],
): { first: (Float64Array | null)[][]; second: (Float64Array | null)[][] } {
  const make = () => diffInputs.map((x) => outputs.map((o) => (isFloat(o.dtype) ? new Float64Array(o.size * x.size) : null)));
  const first = make();
  const second = make();
  outputs.forEach((o, oi) => {
    if (!isFloat(o.dtype)) return;
    for (let r = 0; r < o.size; r++) {
      const g = cotangent(o, (d) => (d[r] = 1));
      for (const target of [first, second]) {
        vjp(o, diffInputs, g).forEach((row, i) => target[i]![oi]!.set(row, r * diffInputs[i]!.size));
      }
    }
  });
  return { first, second };
}

/** Standard normal entries, as float64. */
export function randomVector(n: number, generator: Generator): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = generator.normal();
  return v;
}

/** vᵀ·(J·u) for every output by one central difference along u (fastMode). */
export function numericalProjection(
  fn: GradcheckFn,
  inputs: readonly Tensor[],
  index: number,
  u: Float64Array,
  vs: readonly (Float64Array | null)[],
  eps: number,
  label: string,
): (number | null)[] {
  const x = inputs[index]!;
  const data = x.storage.data;
  const offsets = storageOffsets(x);
  const original = offsets.map((off) => data[off]!);
  const shift = (sign: number) => offsets.forEach((off, e) => (data[off] = original[e]! + sign * eps * u[e]!));
  shift(1);
  const plus = evaluate(fn, inputs, label);
  shift(-1);
  const minus = evaluate(fn, inputs, label);
  offsets.forEach((off, e) => (data[off] = original[e]!));
  return vs.map((v, o) => {
    if (v === null) return null;
    let s = 0;
    const p = plus[o]!;
    const m = minus[o]!;
    for (let r = 0; r < v.length; r++) s += (v[r]! * (p[r]! - m[r]!)) / (2 * eps);
    return s;
  });
}

/** (vᵀJ)·u for every (input, output) by one backward per output, twice (fastMode). */
export function analyticalProjection(
  outputs: readonly Tensor[],
  diffInputs: readonly Tensor[],
  us: readonly Float64Array[],
  vs: readonly (Float64Array | null)[],
): { first: (number | null)[][]; second: (number | null)[][] } {
  const make = () => diffInputs.map(() => outputs.map((): number | null => null));
  const first = make();
  const second = make();
  outputs.forEach((o, oi) => {
    const v = vs[oi];
    if (v === null || v === undefined) return;
    const g = cotangent(o, (d) => d.set(v));
    for (const target of [first, second]) {
      vjp(o, diffInputs, g).forEach((row, i) => {
        const u = us[i]!;
        let s = 0;
        for (let e = 0; e < row.length; e++) s += row[e]! * u[e]!;
        target[i]![oi] = s;
      });
    }
  });
  return { first, second };
}

/** Number of elements of each float output (null for int/bool outputs). */
export function outputSizes(outputs: readonly Tensor[]): (number | null)[] {
  return outputs.map((o) => (isFloat(o.dtype) ? shapeSize(o.shape) : null));
}
