import { Generator, registeredOps, tensor, type Tensor } from '@tsgrad/core';
import { UsageError } from '../errors.js';
import type { GradcheckCase } from './case.js';

/** Ops whose differentiable inputs must be positive (logs, roots, denominators). */
const POSITIVE_OPS = new Set(['log', 'log2', 'log1p', 'sqrt', 'rsqrt', 'pow', 'div', 'reciprocal']);

/** How to build the inputs of a registered op. */
export interface OpCaseOptions {
  /** One shape for every input, or one per input in the op's input order. */
  shapes: number[][];
  /** The op's non-tensor arguments (`{"dim": -1}`). */
  args: Record<string, unknown>;
  /** Range of the random float inputs; default [-1, 1), [0.5, 1.5) for POSITIVE_OPS. */
  low?: number;
  high?: number;
  seed: number;
}

/**
 * A gradcheck of any registered op by name: float64 random inputs for its
 * differentiable inputs; bool masks for inputs named like masks/conditions and int32
 * indices in [0, last dim) for the other non-differentiable ones.
 */
export function opCase(name: string, opts: OpCaseOptions): GradcheckCase {
  const op = registeredOps().get(name);
  if (op === undefined) throw new UsageError(`gradcheck: no registered op named '${name}' (see --list-ops)`);
  if (op.differentiable.length === 0) throw new UsageError(`gradcheck: op '${name}' has no differentiable inputs`);
  const g = new Generator(opts.seed);
  const positive = POSITIVE_OPS.has(name);
  const low = opts.low ?? (positive ? 0.5 : -1);
  const high = opts.high ?? (positive ? 1.5 : 1);
  if (opts.shapes.length !== 1 && opts.shapes.length !== op.inputs.length) {
    throw new UsageError(`gradcheck: op '${name}' has ${op.inputs.length} inputs (${op.inputs.join(', ')}); --shape gave ${opts.shapes.length} shapes`);
  }
  const inputs = op.inputs.map((input, i): Tensor => {
    const shape = opts.shapes.length === 1 ? opts.shapes[0]! : opts.shapes[i]!;
    const size = shape.reduce((a, b) => a * b, 1);
    if (op.differentiable.includes(input)) {
      const values = Float64Array.from({ length: size }, () => low + (high - low) * g.random());
      return tensor(values, { shape, dtype: 'float64', requiresGrad: true });
    }
    if (/mask|cond/i.test(input)) {
      return tensor(Uint8Array.from({ length: size }, () => (g.random() < 0.5 ? 1 : 0)), { shape, dtype: 'bool' });
    }
    const last = shape[shape.length - 1] ?? 1;
    return tensor(Int32Array.from({ length: size }, () => g.integer(0, last)), { shape, dtype: 'int32' });
  });
  const args = withPositiveDims(opts.args, opts.shapes[0]!.length);
  const apply = op.apply as unknown as (inputs: Record<string, Tensor>, args: Record<string, unknown>) => Tensor;
  return {
    name: `op/${name}`,
    fn: (...xs) => apply(Object.fromEntries(op.inputs.map((n, i) => [n, xs[i]!])), args),
    inputs,
    names: [...op.inputs],
  };
}

/**
 * The public op functions turn `dim: -1` into a real dimension before `apply`; calling
 * `apply` by name skips them, so negative `dim`/`dims` are resolved here against the rank.
 */
function withPositiveDims(args: Record<string, unknown>, rank: number): Record<string, unknown> {
  const fix = (d: unknown) => (typeof d === 'number' && d < 0 ? d + rank : d);
  const out = { ...args };
  if ('dim' in out) out.dim = fix(out.dim);
  if (Array.isArray(out.dims)) out.dims = out.dims.map(fix);
  return out;
}

/** Names of every registered op that has a differentiable input, sorted. */
export function differentiableOps(): string[] {
  return [...registeredOps().values()]
    .filter((op) => op.differentiable.length > 0)
    .map((op) => op.name)
    .sort();
}
