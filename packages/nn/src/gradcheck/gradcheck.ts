import {
  ArgumentError,
  DTypeError,
  Generator,
  Tensor,
  enableGrad,
  fmtShape,
  grad,
  isFloat,
  zeros,
} from '@tsgrad/core';
import { GradcheckError } from './gradcheck-error.js';
import {
  analyticalJacobian,
  analyticalProjection,
  asList,
  asOutputList,
  numericalJacobian,
  numericalProjection,
  outputSizes,
  randomVector,
  unravel,
} from './jacobian.js';
import type { GradcheckFn, GradcheckInputReport, GradcheckOptions, GradcheckReport, GradcheckWorst } from './types.js';

/** How the shared checker names itself and the inputs, and how it evaluates `fn`. */
export interface CheckContext {
  /** `gradcheck` or `gradgradcheck`, the prefix of messages. */
  label: string;
  /** Human name of input i (gradgradcheck's extra inputs are gradOutputs). */
  describeInput(i: number): string;
}

/**
 * Checks the gradients autograd computes for `fn` at `inputs` against central finite
 * differences, like `torch.autograd.gradcheck`. Every float input with `requiresGrad` is
 * checked against every float output (int/bool inputs and outputs are skipped); an entry
 * passes when |analytical − numerical| ≤ atol + rtol·|numerical|.
 *
 * Inputs should be float64: the default eps = 1e-6 leaves about 10 significant digits of the
 * difference in float64, none in float32 (whose epsilon is 1.2e-7), so float32 inputs are
 * refused unless `allowFloat32` is set (then choose eps ≈ 1e-3 and looser tolerances).
 *
 * Throws a `GradcheckError` naming input, element, numerical and analytical value at the
 * first failure (unless `raiseException: false`); returns a per-input report either way.
 * ```ts
 * const x = randn([3, 4], { dtype: 'float64', requiresGrad: true });
 * gradcheck((t) => t.mul(t).sum(-1), [x]).passed; // true
 * ```
 */
export function gradcheck(fn: GradcheckFn, inputs: Tensor | readonly Tensor[], opts: GradcheckOptions = {}): GradcheckReport {
  const list = asList(inputs);
  return checkGradients(fn, list, opts, { label: 'gradcheck', describeInput: (i) => `input ${i}` });
}

interface Tolerances {
  eps: number;
  atol: number;
  rtol: number;
}

function resolveOptions(label: string, opts: GradcheckOptions): Tolerances {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-3;
  if (!(eps > 0 && Number.isFinite(eps))) throw new ArgumentError(`${label}: eps must be a positive finite number, got ${eps}`);
  if (!(atol >= 0)) throw new ArgumentError(`${label}: atol must be >= 0, got ${atol}`);
  if (!(rtol >= 0)) throw new ArgumentError(`${label}: rtol must be >= 0, got ${rtol}`);
  if (opts.nondetTol !== undefined && !(opts.nondetTol >= 0)) {
    throw new ArgumentError(`${label}: nondetTol must be >= 0, got ${opts.nondetTol}`);
  }
  return { eps, atol, rtol };
}

/** Indices of the inputs to check, after refusing what finite differences cannot handle. */
function differentiableInputs(label: string, inputs: readonly Tensor[], ctx: CheckContext, opts: GradcheckOptions): number[] {
  inputs.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new ArgumentError(`${label}: ${ctx.describeInput(i)} is not a Tensor`);
  });
  const diff = inputs.flatMap((t, i) => (isFloat(t.dtype) && t.requiresGrad ? [i] : []));
  if (diff.length === 0) {
    throw new ArgumentError(`${label}: no input requires grad; set requiresGrad on the float64 inputs to check`);
  }
  for (const i of diff) {
    const t = inputs[i]!;
    if (t.dtype === 'float32' && !opts.allowFloat32) {
      throw new DTypeError(
        `${label}: ${ctx.describeInput(i)} (shape ${fmtShape(t.shape)}) is float32. Finite differences need float64: ` +
          `with eps = ${opts.eps ?? 1e-6} a float32 perturbation is below or near float32 precision (epsilon 1.2e-7), ` +
          `so the numerical gradient is noise. Convert the inputs with .to('float64'), or pass allowFloat32: true ` +
          `with a larger eps (about 1e-3) and looser atol/rtol.`,
      );
    }
    if (t.shape.some((d, k) => d > 1 && t.strides[k] === 0)) {
      throw new ArgumentError(
        `${label}: ${ctx.describeInput(i)} (shape ${fmtShape(t.shape)}, strides [${t.strides.join(',')}]) has overlapping ` +
          'memory (an expanded view): perturbing one element would move several; pass a contiguous copy',
      );
    }
  }
  return diff;
}

interface Comparison {
  report: GradcheckInputReport;
  /** The worst entry's tolerance, for the message. */
  tol: number;
  diff: number;
}

/** Compares analytical and numerical entries of one input against every output. */
function compare(
  index: number,
  x: Tensor,
  analytical: readonly (Float64Array | number | null)[],
  numerical: readonly (Float64Array | number | null)[],
  outputShapes: readonly (readonly number[])[],
  t: Tolerances,
): Comparison {
  const n = x.size;
  let maxAbs = 0;
  let maxRel = 0;
  let worstRatio = -1;
  let worst: GradcheckWorst | null = null;
  let worstEntry = -1;
  let worstTol = 0;
  let worstDiff = 0;
  let passed = true;
  analytical.forEach((aRaw, o) => {
    const nRaw = numerical[o];
    if (aRaw === null || nRaw === null || nRaw === undefined) return;
    const aArr = typeof aRaw === 'number' ? [aRaw] : aRaw;
    const nArr = typeof nRaw === 'number' ? [nRaw] : nRaw;
    for (let k = 0; k < aArr.length; k++) {
      const a = aArr[k]!;
      const num = nArr[k]!;
      const raw = Math.abs(a - num);
      const diff = Number.isNaN(raw) ? Infinity : raw;
      const tol = t.atol + t.rtol * Math.abs(num);
      const ratio = diff === 0 ? 0 : tol === 0 ? Infinity : diff / tol;
      const scale = Math.max(Math.abs(a), Math.abs(num));
      maxAbs = Math.max(maxAbs, diff);
      maxRel = Math.max(maxRel, diff === 0 ? 0 : Number.isFinite(diff) ? diff / scale : Infinity);
      if (!(diff <= tol)) passed = false;
      if (ratio > worstRatio) {
        worstRatio = ratio;
        worstEntry = typeof aRaw === 'number' ? -1 : k;
        worst = {
          output: o,
          outputIndex: typeof aRaw === 'number' ? [] : unravel(Math.floor(k / n), outputShapes[o]!),
          numerical: num,
          analytical: a,
        };
        worstTol = tol;
        worstDiff = diff;
      }
    }
  });
  const worstIndex = worstEntry >= 0 ? unravel(worstEntry % n, x.shape) : null;
  return {
    report: { index, shape: [...x.shape], maxAbsError: maxAbs, maxRelError: maxRel, worstIndex, worst, passed },
    tol: worstTol,
    diff: worstDiff,
  };
}

function mismatchError(ctx: CheckContext, x: Tensor, c: Comparison, t: Tolerances, fast: boolean): GradcheckError {
  const w = c.report.worst!;
  const where = fast
    ? `in the random projection vᵀJu (fastMode; rerun without it to find the element)`
    : `at element [${c.report.worstIndex!.join(',')}] and output element [${w.outputIndex.join(',')}]`;
  return new GradcheckError(
    `${ctx.label}: Jacobian mismatch for output ${w.output} with respect to ${ctx.describeInput(c.report.index)} ` +
      `(shape ${fmtShape(x.shape)}) ${where}: numerical ${w.numerical}, analytical ${w.analytical}; ` +
      `|difference| ${c.diff} exceeds atol ${t.atol} + rtol ${t.rtol} × |numerical| = ${c.tol}`,
    {
      failure: 'jacobian',
      inputIndex: c.report.index,
      elementIndex: c.report.worstIndex,
      outputIndex: w.output,
      outputElement: fast ? null : w.outputIndex,
      numerical: w.numerical,
      analytical: w.analytical,
    },
  );
}

/** Largest |first − second| over two backward runs, with where it happened. */
function reentrancyGap(
  first: readonly (readonly (Float64Array | number | null)[])[],
  second: readonly (readonly (Float64Array | number | null)[])[],
): { gap: number; input: number; output: number; entry: number; a: number; b: number } {
  let best = { gap: 0, input: 0, output: 0, entry: 0, a: 0, b: 0 };
  first.forEach((perOut, i) =>
    perOut.forEach((f, o) => {
      const s = second[i]![o]!;
      if (f === null || s === null) return;
      const fa = typeof f === 'number' ? [f] : f;
      const sa = typeof s === 'number' ? [s] : s;
      for (let k = 0; k < fa.length; k++) {
        const raw = Math.abs(fa[k]! - sa[k]!);
        const gap = Number.isNaN(raw) ? (Object.is(fa[k], sa[k]) ? 0 : Infinity) : raw;
        if (gap > best.gap) best = { gap, input: i, output: o, entry: k, a: fa[k]!, b: sa[k]! };
      }
    }),
  );
  return best;
}

/** Gradients for all-zero output gradients must be zero or absent. */
function undefinedGradProblem(
  outputs: readonly Tensor[],
  diff: readonly number[],
  inputs: readonly Tensor[],
  ctx: CheckContext,
): GradcheckError | null {
  const live = outputs.filter((o) => isFloat(o.dtype) && o.requiresGrad);
  if (live.length === 0) return null;
  const diffInputs = diff.map((i) => inputs[i]!);
  const grads = enableGrad(() =>
    grad(live, diffInputs, { gradOutputs: live.map((o) => zeros(o.shape, { dtype: o.dtype })), retainGraph: true, allowUnused: true }),
  );
  for (let k = 0; k < grads.length; k++) {
    const g = grads[k];
    if (g === null || g === undefined) continue;
    const values = g.toTypedArray();
    const bad = values.findIndex((v) => v !== 0);
    if (bad >= 0) {
      const index = diff[k]!;
      const element = unravel(bad, g.shape);
      return new GradcheckError(
        `${ctx.label}: with all-zero output gradients the gradient of ${ctx.describeInput(index)} is ${values[bad]} ` +
          `at element [${element.join(',')}], expected 0; backward must map zero output gradients to zero input gradients`,
        { failure: 'undefinedGrad', inputIndex: index, elementIndex: element, outputIndex: null, outputElement: null, numerical: 0, analytical: values[bad]! },
      );
    }
  }
  return null;
}

/** The checker behind `gradcheck` and `gradgradcheck`. */
export function checkGradients(
  fn: GradcheckFn,
  inputs: readonly Tensor[],
  opts: GradcheckOptions,
  ctx: CheckContext,
): GradcheckReport {
  const { label } = ctx;
  if (typeof fn !== 'function') throw new ArgumentError(`${label}: fn must be a function`);
  const t = resolveOptions(label, opts);
  const diff = differentiableInputs(label, inputs, ctx, opts);
  const raise = opts.raiseException ?? true;
  const fast = opts.fastMode ?? false;
  const outputs = enableGrad(() => asOutputList(fn(...inputs), label));
  const outShapes = outputs.map((o) => o.shape);
  const diffInputs = diff.map((i) => inputs[i]!);
  const sizes = outputSizes(outputs);

  // Analytical values first: the numerical pass perturbs the inputs the graph was built from.
  let analytical: { first: (Float64Array | number | null)[][]; second: (Float64Array | number | null)[][] };
  let us: Float64Array[] = [];
  let vs: (Float64Array | null)[] = [];
  if (fast) {
    const generator = new Generator(opts.seed ?? 0);
    us = diffInputs.map((x) => randomVector(x.size, generator));
    vs = sizes.map((m) => (m === null ? null : randomVector(m, generator)));
    analytical = analyticalProjection(outputs, diffInputs, us, vs);
  } else {
    analytical = analyticalJacobian(outputs, diffInputs);
  }

  const reports: GradcheckInputReport[] = [];
  diff.forEach((index, k) => {
    const numerical = fast
      ? numericalProjection(fn, inputs, index, us[k]!, vs, t.eps, label)
      : numericalJacobian(fn, inputs, index, sizes, t.eps, label);
    const c = compare(index, inputs[index]!, analytical.first[k]!, numerical, outShapes, t);
    if (!c.report.passed && raise) throw mismatchError(ctx, inputs[index]!, c, t, fast);
    reports.push(c.report);
  });

  const problems: string[] = [];
  const nondetTol = opts.nondetTol ?? 0;
  const gap = reentrancyGap(analytical.first, analytical.second);
  if (gap.gap > nondetTol) {
    const index = diff[gap.input]!;
    const element = fast ? null : unravel(gap.entry % inputs[index]!.size, inputs[index]!.shape);
    const error = new GradcheckError(
      `${label}: backward is not reentrant: two runs for output ${gap.output} with respect to ${ctx.describeInput(index)}` +
        `${element ? ` at element [${element.join(',')}]` : ''} gave ${gap.a} and ${gap.b}, ` +
        `which differ by ${gap.gap} > nondetTol ${nondetTol}`,
      { failure: 'nondeterministic', inputIndex: index, elementIndex: element, outputIndex: gap.output, outputElement: null, numerical: gap.a, analytical: gap.b },
    );
    if (raise) throw error;
    problems.push(error.message);
  }
  if (opts.checkUndefinedGrad ?? true) {
    const error = undefinedGradProblem(outputs, diff, inputs, ctx);
    if (error !== null) {
      if (raise) throw error;
      problems.push(error.message);
    }
  }
  return { passed: problems.length === 0 && reports.every((r) => r.passed), inputs: reports, problems };
}
