// Every gradcheck case table, listed statically; add a file here when it is created.
import type { GradcheckCase } from './types.js';
import { attentionCases } from './attention.js';
import { elementwiseCases } from './elementwise.js';
import { nnCases } from './nn.js';
import { shapeCases } from './shape.js';

export type { GradcheckCase } from './types.js';

/** All cases the registry-driven gradcheck runs. */
export const gradcheckCases: readonly GradcheckCase[] = [...elementwiseCases, ...shapeCases, ...nnCases, ...attentionCases];
