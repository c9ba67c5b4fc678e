import { ArgumentError, Tensor, fmtShape, noGrad, tensor } from '@tsgrad/core';

/** A group of parameters with its own options (per-group learning rate, weight decay, ...). */
export type ParamGroup<O> = { params: Tensor[] } & O;

/** Parameters as an optimizer takes them: a flat list, or groups with option overrides. */
export type ParamsInput<O> = readonly Tensor[] | readonly ({ params: readonly Tensor[] } & Partial<O>)[];

/** Per-parameter optimizer state: buffers (tensors) and counters (numbers). */
export type ParamState = Record<string, Tensor | number>;

/**
 * Serializable optimizer state, PyTorch's layout: state keyed by the parameter's index across
 * all groups, and the groups' options with `params` as index lists.
 */
export interface OptimizerStateDict {
  /** Per-parameter state (step counts, moment buffers) keyed by the parameter's index across all groups. */
  state: Record<number, ParamState>;
  /** Each group's options, with its parameters replaced by those indices (PyTorch's `param_groups`). */
  paramGroups: ({ params: number[] } & Record<string, number | boolean | number[]>)[];
}

/**
 * Base class of the optimizers: parameter groups, per-parameter state, `zeroGrad()`, and
 * `stateDict()`/`loadStateDict()` so training resumes exactly. Subclasses implement `step()`
 * as one fused loop per parameter over its typed arrays.
 */
export abstract class Optimizer<O extends object> {
  /** The parameter groups, each with its full options (defaults filled in). */
  readonly paramGroups: ParamGroup<O>[];
  /** State per parameter (created on the first step that sees a gradient). */
  readonly state = new Map<Tensor, ParamState>();

  protected constructor(name: string, params: ParamsInput<O>, defaults: O) {
    const list = [...params];
    if (list.length === 0) throw new ArgumentError(`${name}: got an empty parameter list`);
    const groups = list[0] instanceof Tensor ? [{ params: list as Tensor[] }] : (list as ({ params: readonly Tensor[] } & Partial<O>)[]);
    const seen = new Set<Tensor>();
    this.paramGroups = groups.map((g, gi) => {
      const groupParams = [...g.params];
      for (const p of groupParams) {
        if (!(p instanceof Tensor)) throw new ArgumentError(`${name}: parameter group ${gi} holds a non-Tensor`);
        if (!p.isLeaf) throw new ArgumentError(`${name}: can't optimize a non-leaf tensor (shape ${fmtShape(p.shape)})`);
        if (seen.has(p)) throw new ArgumentError(`${name}: a parameter (shape ${fmtShape(p.shape)}) appears in more than one group`);
        seen.add(p);
      }
      return { ...defaults, ...g, params: groupParams } as ParamGroup<O>;
    });
  }

  /** Updates every parameter that has a gradient. */
  abstract step(): void;

  /** Throws when a group's options are invalid; run on construction and on `loadStateDict`. */
  protected abstract checkOptions(options: O): void;

  /** Clears the gradients of every parameter (sets them to null, as PyTorch does by default). */
  zeroGrad(): void {
    for (const group of this.paramGroups) for (const p of group.params) p.grad = null;
  }

  /** A snapshot of the state and the groups' options; tensors are copies. */
  stateDict(): OptimizerStateDict {
    const state: Record<number, ParamState> = {};
    const paramGroups: OptimizerStateDict['paramGroups'] = [];
    let index = 0;
    for (const group of this.paramGroups) {
      const indices: number[] = [];
      for (const p of group.params) {
        const s = this.state.get(p);
        if (s) state[index] = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v instanceof Tensor ? tensor(v) : v]));
        indices.push(index++);
      }
      const { params: _params, ...options } = group;
      paramGroups.push({ ...(structuredClone(options) as Record<string, number | boolean | number[]>), params: indices });
    }
    return { state, paramGroups };
  }

  /** Restores a snapshot from `stateDict()`; checks everything before changing anything. */
  loadStateDict(sd: OptimizerStateDict): void {
    const params = this.paramGroups.flatMap((g) => g.params);
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new ArgumentError(`loadStateDict: the state has ${sd.paramGroups.length} parameter groups, the optimizer ${this.paramGroups.length}`);
    }
    sd.paramGroups.forEach((g, i) => {
      const { params: _indices, ...options } = g;
      this.checkOptions({ ...this.paramGroups[i]!, ...(options as Partial<O>) });
      if (g.params.length !== this.paramGroups[i]!.params.length) {
        throw new ArgumentError(
          `loadStateDict: group ${i} has ${g.params.length} parameters in the state and ${this.paramGroups[i]!.params.length} in the optimizer`,
        );
      }
    });
    for (const [key, s] of Object.entries(sd.state)) {
      const p = params[Number(key)];
      if (p === undefined) throw new ArgumentError(`loadStateDict: state for parameter ${key}, but the optimizer has ${params.length}`);
      for (const [name, v] of Object.entries(s)) {
        if (v instanceof Tensor && (v.size !== p.size || v.dtype !== p.dtype)) {
          throw new ArgumentError(
            `loadStateDict: state '${name}' of parameter ${key} is ${v.dtype} ${fmtShape(v.shape)}, the parameter ${p.dtype} ${fmtShape(p.shape)}`,
          );
        }
      }
    }
    noGrad(() => {
      this.state.clear();
      for (const [key, s] of Object.entries(sd.state)) {
        const p = params[Number(key)]!;
        this.state.set(p, Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v instanceof Tensor ? tensor(v, { shape: p.shape }) : v])));
      }
      sd.paramGroups.forEach((g, i) => {
        const { params: _indices, ...options } = g;
        Object.assign(this.paramGroups[i]!, structuredClone(options));
      });
    });
  }
}

/** The raw data of a parameter or gradient, contiguous, for the fused update loops. */
export function flatData(t: Tensor, what: string): Float32Array | Float64Array {
  const c = t.isContiguous() ? t : t.contiguous();
  const data = c.storage.data;
  if (!(data instanceof Float32Array || data instanceof Float64Array)) {
    throw new ArgumentError(`${what} must be float32 or float64, got ${t.dtype}`);
  }
  return c.offset === 0 && data.length === c.size ? data : data.subarray(c.offset, c.offset + c.size);
}

/** Checks a parameter before its update: contiguous storage the loop may write into. */
export function paramData(p: Tensor, optimizer: string): Float32Array | Float64Array {
  if (!p.isContiguous()) throw new ArgumentError(`${optimizer}: parameters must be contiguous, got strides [${p.strides.join(',')}]`);
  return flatData(p, `${optimizer}: parameter`);
}
