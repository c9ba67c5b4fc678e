import { AutogradError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';

/** A tensor saved for backward, with the storage version it had when it was saved. */
export interface SavedTensor {
  /** Which input was saved (its name in the op's inputs) or `'output'`; named in the in-place-modification error. */
  readonly role: string;
  /** The saved tensor itself. */
  readonly tensor: Tensor;
  /** `tensor.version` when saved; backward throws if the storage was modified in place since. */
  readonly version: number;
}

/**
 * Computes one gradient per input (null where an input gets none) from the output gradient.
 * Written with tensor ops, so it is itself differentiable under `createGraph`.
 */
export type NodeBackward = (dy: Tensor) => (Tensor | null)[];

/**
 * One recorded op application in the autograd graph: its inputs (edges to their own nodes or
 * to leaves), which of them need a gradient, and the backward rule bound to what the forward
 * saved. Released after backward unless the graph is retained.
 */
export class Node {
  private released = false;
  /** The tensor this node produced (set once by the registry). */
  output: Tensor | null = null;

  constructor(
    /** The op's name, used in error messages and `toString()`. */
    readonly name: string,
    /** Input tensors in the op's declared order. */
    public inputs: readonly Tensor[],
    /** The declared names of the inputs, for messages. */
    readonly inputNames: readonly string[],
    /** Whether each input needs a gradient. */
    readonly needsGrad: readonly boolean[],
    private saved: readonly SavedTensor[],
    private rule: NodeBackward | null,
  ) {}

  /** Runs the backward rule after checking that nothing it saved was modified in place. */
  apply(dy: Tensor): (Tensor | null)[] {
    if (this.released || this.rule === null) {
      throw new AutogradError(
        `backward: trying to backward through the graph a second time (through ${this.name}); ` +
          'its saved tensors were freed after the first backward. Pass retainGraph: true to the first backward.',
      );
    }
    for (const s of this.saved) {
      if (s.tensor.version !== s.version) {
        throw new AutogradError(
          `backward: ${s.role} of ${this.name} (shape ${fmtShape(s.tensor.shape)}) was saved for backward ` +
            `and then modified by an in-place operation (it is at version ${s.tensor.version}; expected version ${s.version}). ` +
            'Use an out-of-place op, or clone the tensor before modifying it.',
        );
      }
    }
    return this.rule(dy);
  }

  /** Frees saved tensors so their memory can go; a later apply() fails clearly. */
  release(): void {
    this.released = true;
    this.saved = [];
    this.rule = null;
  }
}
