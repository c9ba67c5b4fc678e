import type { Tensor } from '@tsgrad/core';
export interface GradcheckCase { op: string /* registered op name */; name: string; inputs: () => Tensor[] /* float64, requiresGrad where differentiated */; fn: (...xs: Tensor[]) => Tensor; secondOrder?: boolean }
