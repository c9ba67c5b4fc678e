import { Tensor } from '@tsgrad/core';
import { GPT, TransformerBlock, type GPTConfig, type TransformerBlockOptions } from '../../src/models/index.js';
import { NN_FIXTURE_DIR, asFloat64, loadFixture, type FixtureCase } from '../fixtures/load-fixture.js';
import { expectClose, fromFixture } from '../functional/fixture-tensors.js';

const fixture = loadFixture(`${NN_FIXTURE_DIR}/layers.json`);
const byKind = (kind: string) => fixture.cases.filter((c) => c.options.kind === kind).map((c) => [c.name, c] as const);

function params(c: FixtureCase): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(c.params)) out[name] = fromFixture(t);
  return out;
}

describe.each(byKind('TransformerBlock'))('%s matches PyTorch (float64)', (_name, c) => {
  test('output and gradients of x and every parameter', () => {
    const block = new TransformerBlock(c.options as unknown as TransformerBlockOptions).to('float64');
    block.loadStateDict(params(c));
    const x = fromFixture(c.inputs.x!, true);
    const out = block.forward(x);
    expectClose(out, c.outputs.output!, 1e-12, 'output');
    out.backward(fromFixture(asFloat64(c.cotangent, 'cotangent')));
    const named = new Map(block.namedParameters());
    expect(new Set(named.keys())).toEqual(new Set(Object.keys(c.params)));
    for (const [name, expected] of Object.entries(c.grads)) {
      expectClose((name === 'x' ? x : named.get(name)!).grad!, expected, 1e-11, `grad ${name}`);
    }
  });
});

describe.each(byKind('GPT'))('%s matches PyTorch (float64)', (_name, c) => {
  test('logits, loss and the gradient of every parameter', () => {
    const config = c.options as unknown as GPTConfig;
    const model = new GPT(config).to('float64');
    const sd = params(c);
    if (config.tieWeights) sd['lmHead.weight'] = sd['tokenEmbedding.weight']!;
    model.loadStateDict(sd);
    const { logits, loss } = model.forward(fromFixture(c.inputs.idx!), fromFixture(c.inputs.targets!));
    expectClose(logits, c.outputs.logits!, 1e-12, 'logits');
    expectClose(loss!, c.outputs.loss!, 1e-12, 'loss');
    loss!.backward();
    const named = new Map(model.namedParameters());
    expect(new Set(named.keys())).toEqual(new Set(Object.keys(c.params)));
    for (const [name, expected] of Object.entries(c.grads)) expectClose(named.get(name)!.grad!, expected, 1e-11, `grad ${name}`);
  });
});
