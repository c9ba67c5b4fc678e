// Registry-driven gradcheck: every op registered by @tsgrad/ops and @tsgrad/nn with a differentiable input must have a case
// in tests/gradcheck-cases, and every case must match central finite differences.
import '@tsgrad/ops';
import '@tsgrad/nn';
import { registeredOps } from '@tsgrad/core';
import { gradcheckCases } from './gradcheck-cases/index.js';
import { checkGradients } from './helpers/finite-difference.js';

const differentiable = [...registeredOps().values()]
  .filter((op) => op.differentiable.length > 0)
  .map((op) => op.name)
  .sort();
const covered = new Set(gradcheckCases.map((c) => c.op));

describe('registry-driven gradcheck', () => {
  test('every differentiable op has a case', () => {
    const missing = differentiable.filter((name) => !covered.has(name));
    console.log(`gradcheck coverage: ${differentiable.length - missing.length}/${differentiable.length} differentiable ops`);
    if (missing.length > 0) throw new Error(`gradcheck: no case for ${missing.length} differentiable op(s): ${missing.join(', ')}`);
  });

  test.each(gradcheckCases.map((c, i) => [`${c.op}: ${c.name}`, c, i] as const))('%s', (_, c, i) => {
    const problems = checkGradients(c.fn, c.inputs(), { secondOrder: c.secondOrder ?? false, seed: i });
    if (problems.length > 0) throw new Error(`${problems.length} mismatch(es):\n${problems.slice(0, 10).join('\n')}`);
  });
});
