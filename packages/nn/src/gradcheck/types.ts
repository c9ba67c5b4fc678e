import type { Tensor } from '@tsgrad/core';

/** A function gradcheck differentiates: tensors in, one tensor or several out. */
export type GradcheckFn = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

/** Options of `gradcheck` (PyTorch's names and defaults, camelCased). */
export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance, scaled by |numerical| (default 1e-3). */
  rtol?: number;
  /** Throw a `GradcheckError` at the first failure (default true); otherwise only report. */
  raiseException?: boolean;
  /**
   * Backward runs twice and both results must agree within this tolerance (default 0: a
   * deterministic backward gives identical results).
   */
  nondetTol?: number;
  /**
   * Also run backward with all-zero output gradients and require every input gradient to be
   * zero or absent, never NaN (default true). PyTorch's "undefined output gradient" check:
   * this engine passes zeros where PyTorch passes undefined.
   */
  checkUndefinedGrad?: boolean;
  /**
   * Compare random projections vᵀJu instead of whole Jacobians: one forward pair per input
   * and one backward per output instead of one per element (default false).
   */
  fastMode?: boolean;
  /** Seed of the random vectors of `fastMode` and of gradgradcheck's output gradients (default 0). */
  seed?: number;
  /**
   * Allow float32 inputs (default false). Finite differences in float32 are too imprecise
   * for the default eps and tolerances; opting in means choosing a larger eps and tolerances.
   */
  allowFloat32?: boolean;
}

/** Options of `gradgradcheck`. */
export interface GradgradcheckOptions extends GradcheckOptions {
  /**
   * Gradients of the outputs to differentiate through (one per float output that requires
   * grad), default random uniform in [-1, 1) from `seed`. They are checked as inputs too.
   */
  gradOutputs?: Tensor | readonly Tensor[];
}

/** Where the worst Jacobian entry of an input sits and what its two values were. */
export interface GradcheckWorst {
  /** Index of the output. */
  output: number;
  /** Element of that output (empty in fastMode, where whole vectors are compared). */
  outputIndex: number[];
  /** Finite-difference value. */
  numerical: number;
  /** Autograd value. */
  analytical: number;
}

/** The comparison for one differentiable input. */
export interface GradcheckInputReport {
  /** Position in the `inputs` array (gradgradcheck: gradOutputs follow the inputs). */
  index: number;
  /** The input's shape. */
  shape: number[];
  /** Largest |analytical − numerical| over the Jacobian entries (Infinity for NaN). */
  maxAbsError: number;
  /** Largest |analytical − numerical| / max(|analytical|, |numerical|) (0 where both are 0). */
  maxRelError: number;
  /**
   * Input element of the entry that came closest to (or went furthest past) the tolerance
   * atol + rtol·|numerical|; null in fastMode or when the Jacobian is empty.
   */
  worstIndex: number[] | null;
  /** Details of that entry, null when the Jacobian is empty. */
  worst: GradcheckWorst | null;
  /** Whether every entry is within tolerance. */
  passed: boolean;
}

/** What `gradcheck` and `gradgradcheck` return (when they do not throw). */
export interface GradcheckReport {
  /** True when every input passed and no extra check failed. */
  passed: boolean;
  /** One entry per differentiable input, in input order (int/bool inputs are skipped). */
  inputs: GradcheckInputReport[];
  /** Failures of the reentrancy (nondetTol) and undefined-gradient checks, as messages. */
  problems: string[];
}
