import { AutogradError, fmtShape } from '../errors.js';
import { enableGrad, noGrad } from '../grad-mode.js';
import { canBroadcastTo, shapesEqual } from '../shape.js';
import { Tensor, type BackwardOptions } from '../tensor.js';
import { add } from '../ops/arithmetic.js';
import { cast } from '../ops/cast.js';
import { sumToShape } from '../ops/sum.js';
import { clone } from '../ops/views.js';
import { onesLike } from '../factories.js';
import type { Node } from './node.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * Computes the gradient of this tensor with respect to every leaf that requires grad and
     * accumulates it into their `.grad`. `gradient` is required unless this is a one-element
     * tensor. The graph is freed afterwards unless `retainGraph` is set.
     */
    backward(gradient?: Tensor, opts?: BackwardOptions): void;
  }
}

/** Options of the functional `grad`. */
export interface GradOptions {
  /** Gradients of the outputs (the vector in the vector-Jacobian product); default ones for one-element outputs. */
  gradOutputs?: Tensor | readonly (Tensor | null)[];
  /** Keep the graph so backward can run through it again. Defaults to `createGraph`. */
  retainGraph?: boolean;
  /** Record the backward pass so the returned gradients can be differentiated again. */
  createGraph?: boolean;
  /** Return null for inputs the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
}

interface RunOptions {
  retainGraph: boolean;
  createGraph: boolean;
  /** When set, gradients of these tensors are returned and no `.grad` is touched. */
  capture: readonly Tensor[] | null;
}

Tensor.prototype.backward = function backward(this: Tensor, gradient?: Tensor, opts: BackwardOptions = {}): void {
  const createGraph = opts.createGraph ?? false;
  const seed = rootGradient('backward', this, gradient ?? null);
  run([this], [seed], { createGraph, retainGraph: opts.retainGraph ?? createGraph, capture: null });
};

/**
 * Gradients of `outputs` with respect to `inputs` (PyTorch's `torch.autograd.grad`), without
 * touching any `.grad`. With `createGraph` the results carry a graph of their own, which is
 * how higher-order derivatives are taken.
 */
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  opts: GradOptions & { allowUnused: true },
): (Tensor | null)[];
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], opts?: GradOptions): Tensor[];
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  opts: GradOptions = {},
): (Tensor | null)[] {
  const outs = outputs instanceof Tensor ? [outputs] : [...outputs];
  const ins = inputs instanceof Tensor ? [inputs] : [...inputs];
  const given = opts.gradOutputs instanceof Tensor ? [opts.gradOutputs] : opts.gradOutputs ?? [];
  if (opts.gradOutputs !== undefined && given.length !== outs.length) {
    throw new AutogradError(`grad: got ${given.length} gradOutputs for ${outs.length} outputs`);
  }
  ins.forEach((t, i) => {
    if (!t.requiresGrad) throw new AutogradError(`grad: input ${i} (shape ${fmtShape(t.shape)}) does not require grad`);
  });
  const seeds = outs.map((o, i) => rootGradient('grad', o, given[i] ?? null));
  const createGraph = opts.createGraph ?? false;
  const captured = run(outs, seeds, { createGraph, retainGraph: opts.retainGraph ?? createGraph, capture: ins });
  return ins.map((t, i) => {
    const g = captured.get(t) ?? null;
    if (g === null && !opts.allowUnused) {
      throw new AutogradError(
        `grad: input ${i} (shape ${fmtShape(t.shape)}) was not used to compute the outputs; pass allowUnused: true to get null for it`,
      );
    }
    return g;
  });
}

function rootGradient(fn: string, root: Tensor, gradient: Tensor | null): Tensor {
  if (!root.requiresGrad) {
    throw new AutogradError(`${fn}: the tensor (shape ${fmtShape(root.shape)}) does not require grad and has no gradFn`);
  }
  if (gradient === null) {
    if (root.size !== 1) {
      throw new AutogradError(
        `${fn}: a gradient can be implicitly created only for one-element outputs; got shape ${fmtShape(root.shape)}. Pass the gradient explicitly.`,
      );
    }
    return onesLike(root);
  }
  if (!shapesEqual(gradient.shape, root.shape)) {
    throw new AutogradError(`${fn}: gradient of shape ${fmtShape(gradient.shape)} does not match the output's shape ${fmtShape(root.shape)}`);
  }
  return cast(gradient, root.dtype);
}

/** Reverse topological order of the nodes reachable from `roots`, by iterative DFS (no recursion). */
function topologicalOrder(roots: readonly Tensor[]): Node[] {
  const postOrder: Node[] = [];
  const visited = new Set<Node>();
  const stack: { node: Node; next: number }[] = [];
  for (const root of roots) {
    if (root.gradFn === null || visited.has(root.gradFn)) continue;
    visited.add(root.gradFn);
    stack.push({ node: root.gradFn, next: 0 });
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const inputs = frame.node.inputs;
      if (frame.next < inputs.length) {
        const i = frame.next++;
        const child = inputs[i]!.gradFn;
        if (frame.node.needsGrad[i] && child !== null && !visited.has(child)) {
          visited.add(child);
          stack.push({ node: child, next: 0 });
        }
      } else {
        postOrder.push(frame.node);
        stack.pop();
      }
    }
  }
  return postOrder.reverse();
}

/** Nodes whose backward can reach a captured tensor (only those run under `grad()`). */
function nodesLeadingTo(order: readonly Node[], capture: ReadonlySet<Tensor>): Set<Node> {
  const leads = new Set<Node>();
  for (let k = order.length - 1; k >= 0; k--) {
    const node = order[k]!;
    const reaches = node.inputs.some(
      (t, i) => node.needsGrad[i] && (capture.has(t) || (t.gradFn !== null && leads.has(t.gradFn))),
    );
    if (reaches) leads.add(node);
  }
  return leads;
}

function run(roots: readonly Tensor[], seeds: readonly Tensor[], opts: RunOptions): Map<Tensor, Tensor> {
  const order = topologicalOrder(roots);
  const capture = opts.capture ? new Set(opts.capture) : null;
  const leads = capture ? nodesLeadingTo(order, capture) : null;
  const nodeGrads = new Map<Node, Tensor>();
  const leafGrads = new Map<Tensor, Tensor>();
  const captured = new Map<Tensor, Tensor>();
  const accumulate = <K>(map: Map<K, Tensor>, key: K, g: Tensor) => {
    const existing = map.get(key);
    map.set(key, existing === undefined ? g : add(existing, g));
  };
  const backwardMode = opts.createGraph ? enableGrad : noGrad;

  backwardMode(() => {
    roots.forEach((root, i) => {
      if (root.gradFn !== null) accumulate(nodeGrads, root.gradFn, seeds[i]!);
      else accumulate(leafGrads, root, seeds[i]!);
    });
    for (const node of order) {
      let dy = nodeGrads.get(node);
      nodeGrads.delete(node);
      if (dy !== undefined) {
        const output = node.output!;
        dy = runHooks(output, dy);
        if (output.retainsGrad && capture === null) output.grad = output.grad ? add(output.grad, dy) : dy.detach();
        if (capture?.has(output)) captured.set(output, dy);
        if (leads === null || leads.has(node)) {
          const grads = node.apply(dy);
          node.inputs.forEach((input, i) => {
            const g = grads[i];
            if (!node.needsGrad[i] || g === null || g === undefined) return;
            const fitted = fitGradient(node, i, input, g);
            if (input.gradFn !== null) {
              if (leads === null || leads.has(input.gradFn) || capture?.has(input)) accumulate(nodeGrads, input.gradFn, fitted);
            } else if (capture === null || capture.has(input)) {
              accumulate(leafGrads, input, fitted);
            }
          });
          if (!opts.retainGraph) node.release();
        }
      }
    }
    for (const [leaf, g] of leafGrads) {
      const hooked = runHooks(leaf, g);
      if (capture !== null) captured.set(leaf, hooked);
      else accumulateLeaf(leaf, hooked, opts.createGraph);
    }
  });
  return captured;
}

function runHooks(t: Tensor, grad: Tensor): Tensor {
  let g = grad;
  for (const hook of [...t.hooks]) g = hook(g) ?? g;
  return g;
}

/** Sums a broadcast gradient back to the input's shape and casts it to the input's dtype. */
function fitGradient(node: Node, i: number, input: Tensor, g: Tensor): Tensor {
  let out = g;
  if (!shapesEqual(out.shape, input.shape)) {
    if (!canBroadcastTo(input.shape, out.shape)) {
      throw new AutogradError(
        `${node.name}: backward returned a gradient of shape ${fmtShape(out.shape)} for input '${node.inputNames[i]}' of shape ${fmtShape(input.shape)}`,
      );
    }
    out = sumToShape(out, input.shape);
  }
  return cast(out, input.dtype);
}

function accumulateLeaf(leaf: Tensor, g: Tensor, createGraph: boolean): void {
  if (leaf.grad === null) {
    // A private copy: the same gradient tensor may reach several leaves (a + b), and
    // optimizers and clipGradNorm update .grad in place.
    leaf.grad = createGraph ? g : clone(g);
  } else {
    leaf.grad = add(leaf.grad, g);
  }
}
