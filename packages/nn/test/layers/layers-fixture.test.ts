import { Tensor } from '@tsgrad/core';
import type { Module } from '../../src/module/index.js';
import { Embedding, LayerNorm, Linear, MLP, RMSNorm, SwiGLU } from '../../src/layers/index.js';
import { NN_FIXTURE_DIR, asFloat64, loadFixture, type FixtureCase } from '../fixtures/load-fixture.js';
import { expectClose, fromFixture } from '../functional/fixture-tensors.js';

const fixture = loadFixture(`${NN_FIXTURE_DIR}/layers.json`);

function build(c: FixtureCase): Module {
  const o = c.options as Record<string, number & boolean>;
  switch (o.kind as unknown as string) {
    case 'Linear':
      return new Linear(o.inFeatures, o.outFeatures, { bias: o.bias });
    case 'Embedding':
      return new Embedding(o.numEmbeddings, o.embeddingDim);
    case 'LayerNorm':
      return new LayerNorm(o.dim, { eps: o.eps });
    case 'RMSNorm':
      return new RMSNorm(o.dim, { eps: o.eps });
    case 'MLP':
      return new MLP(o.dModel, o.dFf, { bias: o.bias });
    default:
      return new SwiGLU(o.dModel, o.dFf, { bias: o.bias });
  }
}

const moduleKinds = new Set(['Linear', 'Embedding', 'LayerNorm', 'RMSNorm', 'MLP', 'SwiGLU']);
const cases = fixture.cases.filter((c) => moduleKinds.has(c.options.kind as string));

test('the fixture covers every layer kind', () => {
  expect(new Set(cases.map((c) => c.options.kind))).toEqual(moduleKinds);
});

describe.each(cases.map((c) => [c.name, c] as const))('%s matches PyTorch (float64)', (_name, c) => {
  test('output and gradients of input and every parameter', () => {
    const module = build(c).to('float64');
    const params: Record<string, Tensor> = {};
    for (const [name, t] of Object.entries(c.params)) params[name] = fromFixture(t);
    module.loadStateDict(params);
    const input = c.inputs.x ? fromFixture(c.inputs.x, true) : fromFixture(c.inputs.indices!);
    const out = module.forward(input);
    expectClose(out, c.outputs.output!, 1e-12, 'output');
    out.backward(fromFixture(asFloat64(c.cotangent, 'cotangent')));
    const named = new Map(module.namedParameters());
    for (const [name, expected] of Object.entries(c.grads)) {
      const t = name === 'x' ? input : named.get(name);
      expectClose(t!.grad!, expected, 1e-12, `grad ${name}`);
    }
  });
});
