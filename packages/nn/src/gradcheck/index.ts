/** gradcheck / gradgradcheck: autograd's gradients against finite differences. */
export { gradcheck } from './gradcheck.js';
export { gradgradcheck } from './gradgradcheck.js';
export { GradcheckError, type GradcheckFailure, type GradcheckErrorDetails } from './gradcheck-error.js';
export { formatGradcheckReport } from './format-report.js';
export type {
  GradcheckFn,
  GradcheckOptions,
  GradgradcheckOptions,
  GradcheckReport,
  GradcheckInputReport,
  GradcheckWorst,
} from './types.js';
