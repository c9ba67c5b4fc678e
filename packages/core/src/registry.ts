import { isGradEnabled, noGrad } from './grad-mode.js';
import { isFloat } from './dtype.js';
import { ArgumentError, TsgradError } from './errors.js';
import { Node, type SavedTensor } from './autograd/node.js';
import { timeOp } from './op-timer.js';
import { Tensor } from './tensor.js';

/** What a backward rule sees. */
export interface BackwardContext<I extends string, A, S> {
  /** Gradient of the loss with respect to the op's output. */
  readonly dy: Tensor;
  /** The op's inputs by name. */
  readonly inputs: Readonly<Record<I, Tensor>>;
  /** The op's output (differentiable: using it records a graph under `createGraph`). */
  readonly output: Tensor;
  /** The op's non-tensor arguments. */
  readonly args: A;
  /** Whatever the forward returned as `saved`. */
  readonly saved: S;
  /** Whether each input needs a gradient; a rule may skip work for the others. */
  readonly needsGrad: Readonly<Record<I, boolean>>;
}

/** A forward may return just the output, or the output plus data for the backward. */
export type ForwardResult<S> = Tensor | { output: Tensor; saved: S };

/**
 * Declaration of a differentiable op, all in one place.
 * - `I`: names of the tensor inputs; `D`: the differentiable ones (default: all).
 * - `backward` must return a gradient (or null) for every differentiable input: leaving one
 *   out is a compile error. Gradients may have the broadcast shape or a wider dtype; the
 *   engine sums them back to the input's shape and casts them, in one central place.
 */
export interface OpDefinition<I extends string, D extends I, A, S> {
  /** Name used in errors and in `gradFn` (e.g. `matmul`). */
  readonly name: string;
  /** Tensor inputs, in order. */
  readonly inputs: readonly I[];
  /** Inputs gradients flow to; the others (masks, indices) are non-differentiable. */
  readonly differentiable?: readonly D[];
  /** Tensors the backward reads; their in-place modification makes backward fail. Default: all inputs. */
  readonly saves?: readonly (I | 'output')[];
  /** Argument checks, run before the forward; throw with a message naming op, argument and shapes. */
  check?(inputs: Readonly<Record<I, Tensor>>, args: A): void;
  /** Computes the output with raw kernels; never records a graph. */
  forward(inputs: Readonly<Record<I, Tensor>>, args: A): ForwardResult<S>;
  /** Gradients of the inputs, written with ops so they are differentiable again. */
  backward(ctx: BackwardContext<I, A, S>): { [K in NoInfer<D>]: Tensor | null };
}

/** A registered op: `apply` checks, runs the forward and records the graph node. */
export interface Op<I extends string, A> {
  /** Unique op name, used in error messages and as the registry key (`'matmul'`). */
  readonly name: string;
  /** Names of the tensor inputs, in the order `apply` expects them in its record. */
  readonly inputs: readonly I[];
  /** The inputs gradients flow to (empty for ops like comparisons and argmax). */
  readonly differentiable: readonly I[];
  /**
   * Runs the op on named inputs and non-tensor args, recording a graph node when a gradient may
   * flow. Dims in `args` are taken as the op's function passes them (negative ones already
   * mapped); ops that take dims refuse others with an ArgumentError.
   */
  apply(inputs: Readonly<Record<I, Tensor>>, args: A): Tensor;
}

const registry = new Map<string, Op<string, never>>();

/** Every registered op by name, for registry-driven tests and tooling. */
export function registeredOps(): ReadonlyMap<string, Op<string, never>> {
  return registry;
}

/**
 * Declares and registers a differentiable op. Users register their own ops the same way:
 * ```ts
 * const Square = defineOp({
 *   name: 'square', inputs: ['x'],
 *   forward: ({ x }) => mul(x, x),            // or a raw kernel over typed arrays
 *   backward: ({ dy, inputs: { x } }) => ({ x: mul(dy, mul(x, 2)) }),  // d(x²) = 2x dx
 * });
 * export const square = (x: Tensor) => Square.apply({ x }, {});
 * ```
 */
export function defineOp<I extends string, A = Record<string, never>, S = undefined, D extends I = I>(
  def: OpDefinition<I, D, A, S>,
): Op<I, A> {
  if (registry.has(def.name)) throw new TsgradError(`defineOp: an op named '${def.name}' is already registered`);
  const differentiable = new Set<string>(def.differentiable ?? def.inputs);
  const saves = def.saves ?? def.inputs;
  const op: Op<I, A> = {
    name: def.name,
    inputs: def.inputs,
    differentiable: def.inputs.filter((n) => differentiable.has(n)),
    apply(inputs, args) {
      const list = def.inputs.map((name) => {
        const t = inputs[name];
        if (!(t instanceof Tensor)) throw new ArgumentError(`${def.name}: ${name} must be a Tensor, got ${describe(t)}`);
        return t;
      });
      def.check?.(inputs, args);
      const result = timeOp(def.name, 'forward', () => noGrad(() => def.forward(inputs, args)));
      let output = result instanceof Tensor ? result : result.output;
      const saved = (result instanceof Tensor ? undefined : result.saved) as S;
      if (list.includes(output)) output = output.detach();
      if (!isGradEnabled() || !isFloat(output.dtype)) return output;
      const needsGrad = list.map((t, i) => differentiable.has(def.inputs[i]!) && t.requiresGrad);
      if (!needsGrad.includes(true)) return output;
      const savedTensors: SavedTensor[] = saves.map((role) => {
        const tensor = role === 'output' ? output : inputs[role];
        return { role, tensor, version: tensor.version };
      });
      const needsRecord = Object.fromEntries(def.inputs.map((n, i) => [n, needsGrad[i]])) as Record<I, boolean>;
      const out = output;
      const node = new Node(def.name, list, def.inputs, needsGrad, savedTensors, (dy) => {
        const grads = timeOp(def.name, 'backward', () =>
          def.backward({ dy, inputs, output: out, args, saved, needsGrad: needsRecord }),
        ) as Record<string, Tensor | null>;
        return def.inputs.map((name, i) => {
          if (!needsGrad[i]) return null;
          const g = grads[name];
          if (g === undefined) throw new TsgradError(`${def.name}: backward returned no gradient for input '${name}' (return null for none)`);
          return g;
        });
      });
      node.output = output;
      output.gradFn = node;
      return output;
    },
  };
  registry.set(def.name, op as unknown as Op<string, never>);
  return op;
}

/**
 * Adds a chained method to `Tensor.prototype` (`a.matmul(b)` calls `matmul(a, b)`). Declare
 * its type with module augmentation next to the call.
 */
export function registerMethod<F extends (self: Tensor, ...rest: never[]) => unknown>(name: string, fn: F): void {
  const proto = Tensor.prototype as unknown as Record<string, unknown>;
  if (name in proto) throw new TsgradError(`registerMethod: Tensor already has a member named '${name}'`);
  Object.defineProperty(proto, name, {
    value: function (this: Tensor, ...rest: never[]) {
      return fn(this, ...rest);
    },
    writable: true,
    configurable: true,
  });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
