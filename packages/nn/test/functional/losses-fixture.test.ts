import { Tensor } from '@tsgrad/core';
import { crossEntropy, mseLoss, nllLoss, type Reduction } from '../../src/functional/index.js';
import { NN_FIXTURE_DIR, asFloat64, loadFixture, type FixtureCase } from '../fixtures/load-fixture.js';
import { expectClose, fromFixture } from './fixture-tensors.js';

const fixture = loadFixture(`${NN_FIXTURE_DIR}/losses.json`);

function run(c: FixtureCase): { loss: Tensor; inputs: Record<string, Tensor> } {
  const o = c.options;
  const reduction = o.reduction as Reduction;
  if (o.kind === 'crossEntropy') {
    const logits = fromFixture(c.inputs.logits!, true);
    const target = fromFixture(c.inputs.target!);
    const loss = crossEntropy(logits, target, {
      reduction,
      ignoreIndex: o.ignoreIndex as number,
      labelSmoothing: o.labelSmoothing as number,
    });
    return { loss, inputs: { logits } };
  }
  if (o.kind === 'nllLoss') {
    const logProbs = fromFixture(c.inputs.logProbs!, true);
    const loss = nllLoss(logProbs, fromFixture(c.inputs.target!), { reduction, ignoreIndex: o.ignoreIndex as number });
    return { loss, inputs: { logProbs } };
  }
  const input = fromFixture(c.inputs.input!, true);
  const target = fromFixture(c.inputs.target!, true);
  return { loss: mseLoss(input, target, { reduction }), inputs: { input, target } };
}

describe.each(fixture.cases.map((c) => [c.name, c] as const))('%s matches PyTorch (float64)', (_name, c) => {
  test('loss and gradients', () => {
    const { loss, inputs } = run(c);
    expect(loss.dtype).toBe('float64');
    expectClose(loss, c.outputs.loss!, 1e-12, 'loss');
    loss.backward(fromFixture(asFloat64(c.cotangent, 'cotangent')));
    for (const [name, expected] of Object.entries(c.grads)) {
      expectClose(inputs[name]!.grad!, expected, 1e-12, `grad ${name}`);
    }
  });
});
