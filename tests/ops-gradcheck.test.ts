// Registry-driven gradcheck: every op registered by @tsgrad/ops and @tsgrad/nn with a
// differentiable input must have a case in tests/gradcheck-cases, and every case must pass
// nn's gradcheck (float64 central differences, PyTorch's tolerances) and, for smooth ops,
// gradgradcheck.
import '@tsgrad/ops';
import { registeredOps } from '@tsgrad/core';
import { formatGradcheckReport, gradcheck, gradgradcheck, type GradcheckReport } from '@tsgrad/nn';
import { gradcheckCases } from './gradcheck-cases/index.js';

const differentiable = [...registeredOps().values()]
  .filter((op) => op.differentiable.length > 0)
  .map((op) => op.name)
  .sort();
const covered = new Set(gradcheckCases.map((c) => c.op));

function expectPassed(report: GradcheckReport): void {
  if (!report.passed) throw new Error(formatGradcheckReport(report));
}

describe('registry-driven gradcheck', () => {
  test('every differentiable op has a case', () => {
    const missing = differentiable.filter((name) => !covered.has(name));
    console.log(`gradcheck coverage: ${differentiable.length - missing.length}/${differentiable.length} differentiable ops`);
    if (missing.length > 0) throw new Error(`gradcheck: no case for ${missing.length} differentiable op(s): ${missing.join(', ')}`);
  });

  test.each(gradcheckCases.map((c, i) => [`${c.op}: ${c.name}`, c, i] as const))('%s', (_, c, i) => {
    const inputs = c.inputs();
    expectPassed(gradcheck(c.fn, inputs, { raiseException: false, seed: i }));
    if (c.secondOrder) expectPassed(gradgradcheck(c.fn, inputs, { raiseException: false, seed: i }));
  });
});
