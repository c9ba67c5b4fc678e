// scaledDotProductAttention against PyTorch float64 references (fixtures/sdpa.json), both
// implementations: outputs, weights and the gradients of sum(output · cotangent).
import { grad, type Tensor } from '@tsgrad/core';
import { join } from 'path';
import { scaledDotProductAttention as sdpa, type SdpaImplementation } from '../../src/attention/index.js';
import { NN_FIXTURE_DIR, asFloat64, loadFixture, type FixtureCase } from '../fixtures/load-fixture.js';
import { IMPLEMENTATIONS, fromFixture, maxAbsDiff } from './helpers.js';

const fixture = loadFixture(join(NN_FIXTURE_DIR, 'sdpa.json'));
const TOL = 1e-9;
const NAMES = ['query', 'key', 'value', 'attnMask'] as const;

function run(c: FixtureCase, implementation: SdpaImplementation) {
  const wantsGrad = (name: string) => c.grads[name] !== undefined;
  const inputs = Object.fromEntries(NAMES.filter((n) => c.inputs[n]).map((n) => [n, fromFixture(c.inputs[n]!, wantsGrad(n))])) as Record<
    string,
    Tensor
  >;
  const { output, weights } = sdpa(inputs.query!, inputs.key!, inputs.value!, {
    attnMask: inputs.attnMask ?? null,
    isCausal: c.options.isCausal === true,
    enableGqa: c.options.enableGqa === true,
    scale: typeof c.options.scale === 'number' ? c.options.scale : undefined,
    returnWeights: true,
    implementation,
  });
  return { inputs, output, weights, wrt: NAMES.filter(wantsGrad) };
}

describe.each(IMPLEMENTATIONS)('sdpa fixtures (%s)', (implementation) => {
  test.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const { inputs, output, weights, wrt } = run(c, implementation);
    expect(maxAbsDiff(output, fromFixture(asFloat64(c.outputs.output, 'output')))).toBeLessThan(TOL);
    expect(maxAbsDiff(weights, fromFixture(asFloat64(c.outputs.weights, 'weights')))).toBeLessThan(TOL);
    output.backward(fromFixture(c.cotangent!));
    for (const name of wrt) {
      expect(maxAbsDiff(inputs[name]!.grad!, fromFixture(c.grads[name]!))).toBeLessThan(TOL);
    }
  });
});

describe('sdpa fixtures: the fused backward under createGraph', () => {
  test.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const { inputs, output, wrt } = run(c, 'fused');
    const grads = grad(output, wrt.map((n) => inputs[n]!), { gradOutputs: fromFixture(c.cotangent!), createGraph: true });
    wrt.forEach((name, i) => expect(maxAbsDiff(grads[i]!, fromFixture(c.grads[name]!))).toBeLessThan(TOL));
  });
});
