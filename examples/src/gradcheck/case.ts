import type { Tensor } from '@tsgrad/core';
import type { GradcheckFn } from '@tsgrad/nn';

/** One gradcheck to run: a function of tensors, its inputs and their names for the table. */
export interface GradcheckCase {
  /** Row title, e.g. `sdpa/causal [fused]`. */
  name: string;
  fn: GradcheckFn;
  inputs: Tensor[];
  /** One label per input (`q`, `k`, `v`, `mask`, `x`, `qProj.weight`, ...). */
  names: string[];
}
