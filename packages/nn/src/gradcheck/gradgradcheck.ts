import { ArgumentError, Generator, Tensor, enableGrad, fmtShape, grad, isFloat, rand, shapesEqual } from '@tsgrad/core';
import { checkGradients } from './gradcheck.js';
import { asList, asOutputList } from './jacobian.js';
import type { GradcheckFn, GradcheckReport, GradgradcheckOptions } from './types.js';

/**
 * Checks second derivatives, like `torch.autograd.gradgradcheck`: runs `gradcheck` on the
 * function `(inputs, gradOutputs) ↦ grad(fn(inputs), inputs, { gradOutputs, createGraph: true })`,
 * so the backward rules themselves are differentiated and compared with finite differences.
 * `gradOutputs` (one per float output that requires grad) default to uniform samples in
 * [-1, 1) drawn from `seed`; they require grad and are checked as inputs after `inputs`
 * (named `gradOutput k` in messages). Options and report are gradcheck's.
 */
export function gradgradcheck(
  fn: GradcheckFn,
  inputs: Tensor | readonly Tensor[],
  opts: GradgradcheckOptions = {},
): GradcheckReport {
  const label = 'gradgradcheck';
  const list = asList(inputs);
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new ArgumentError(`${label}: input ${i} is not a Tensor`);
  });
  const diff = list.flatMap((t, i) => (isFloat(t.dtype) && t.requiresGrad ? [i] : []));
  if (diff.length === 0) throw new ArgumentError(`${label}: no input requires grad; set requiresGrad on the float64 inputs to check`);
  const outputs = enableGrad(() => asOutputList(fn(...list), label));
  const live = outputs.flatMap((o, i) => (isFloat(o.dtype) && o.requiresGrad ? [i] : []));
  if (live.length === 0) throw new ArgumentError(`${label}: no output of fn requires grad, so there is no gradient to differentiate`);
  const gradOutputs = resolveGradOutputs(label, live.map((i) => outputs[i]!), opts);

  const n = list.length;
  const firstDerivative: GradcheckFn = (...all) => {
    const ins = all.slice(0, n);
    const outs = asOutputList(fn(...ins), label);
    const grads = grad(
      live.map((i) => outs[i]!),
      diff.map((i) => ins[i]!),
      { gradOutputs: all.slice(n), createGraph: true, allowUnused: true },
    );
    return grads.filter((g): g is Tensor => g !== null);
  };
  return checkGradients(firstDerivative, [...list, ...gradOutputs], opts, {
    label,
    describeInput: (i) => (i < n ? `input ${i}` : `gradOutput ${i - n}`),
  });
}

function resolveGradOutputs(label: string, outputs: readonly Tensor[], opts: GradgradcheckOptions): Tensor[] {
  if (opts.gradOutputs === undefined) {
    const generator = new Generator(opts.seed ?? 0);
    return outputs.map((o) => {
      const g = rand(o.shape, { dtype: o.dtype, generator });
      const data = g.storage.data;
      for (let i = 0; i < data.length; i++) data[i] = 2 * data[i]! - 1;
      g.requiresGrad = true;
      return g;
    });
  }
  const given = asList(opts.gradOutputs);
  if (given.length !== outputs.length) {
    throw new ArgumentError(`${label}: got ${given.length} gradOutputs for ${outputs.length} differentiable outputs`);
  }
  given.forEach((g, k) => {
    if (!(g instanceof Tensor) || !shapesEqual(g.shape, outputs[k]!.shape)) {
      const shape = g instanceof Tensor ? fmtShape(g.shape) : typeof g;
      throw new ArgumentError(`${label}: gradOutput ${k} has shape ${shape}, expected ${fmtShape(outputs[k]!.shape)}`);
    }
  });
  return given;
}
