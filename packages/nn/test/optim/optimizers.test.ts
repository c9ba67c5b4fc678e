import { ArgumentError, Generator, Tensor, randn, tensor, zeros } from '@tsgrad/core';
import { Adam, AdamW, SGD, clipGradNorm, lrCosineSchedule, type Optimizer } from '../../src/index.js';
import { NN_FIXTURE_DIR, asFloat64, loadFixture, type FixtureCase } from '../fixtures/load-fixture.js';
import { join } from 'node:path';

const optimFixture = loadFixture(join(NN_FIXTURE_DIR, 'optim.json'));
const scheduleFixture = loadFixture(join(NN_FIXTURE_DIR, 'schedule.json'));

const toTensor = (c: FixtureCase, name: string) => {
  const t = asFloat64(c.inputs[name], name);
  return tensor(t.data, { shape: t.shape, dtype: 'float64' });
};

function makeOptimizer(c: FixtureCase, params: Record<string, Tensor>): Optimizer<object> {
  const o = c.options as Record<string, unknown>;
  const base = { lr: o.lr as number, weightDecay: o.weightDecay as number };
  const groups = (o.groups as { params: string[]; lr: number; weightDecay: number }[] | undefined)?.map((g) => ({
    params: g.params.map((n) => params[n]!),
    lr: g.lr,
    weightDecay: g.weightDecay,
  }));
  const list = groups ?? [params.p0!, params.p1!];
  if (o.kind === 'SGD') {
    return new SGD(list, { ...base, momentum: o.momentum as number, dampening: o.dampening as number, nesterov: o.nesterov as boolean });
  }
  const adamOpts = { ...base, betas: o.betas as [number, number], eps: o.eps as number };
  return o.kind === 'Adam' ? new Adam(list, adamOpts) : new AdamW(list, adamOpts);
}

describe('optimizers match torch.optim step for step (float64 fixtures)', () => {
  const cases = optimFixture.cases.filter((c) => c.options.kind !== 'clipGradNorm');
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const params = { p0: toTensor(c, 'p0').requiresGrad_(), p1: toTensor(c, 'p1').requiresGrad_() };
    const opt = makeOptimizer(c, params);
    const steps = c.options.steps as number;
    for (let s = 0; s < steps; s++) {
      for (const name of ['p0', 'p1'] as const) {
        params[name].grad = toTensor(c, name === 'p0' ? 'g0' : 'g1').slice(0, s, s + 1).squeeze(0).contiguous();
      }
      opt.step();
      for (const name of ['p0', 'p1'] as const) {
        const expected = asFloat64(c.outputs[name], name);
        const size = params[name].size;
        const actual = params[name].toTypedArray();
        for (let i = 0; i < size; i++) expect(actual[i]).toBeCloseTo(expected.data[s * size + i]!, 12);
      }
    }
  });

  test('optimizer state round trip gives identical next steps', () => {
    const make = () => [tensor([1, -2, 3], { dtype: 'float64', requiresGrad: true })];
    const grads = [[0.1, 0.2, -0.3], [0.5, -0.1, 0.2], [-0.4, 0.3, 0.1], [0.2, 0.2, 0.2]];
    for (const build of [(p: Tensor[]) => new AdamW(p, { lr: 0.1 }), (p: Tensor[]) => new SGD(p, { lr: 0.1, momentum: 0.9 })]) {
      const a = make();
      const optA = build(a);
      for (const g of grads.slice(0, 2)) {
        a[0]!.grad = tensor(g, { dtype: 'float64' });
        optA.step();
      }
      const b = [tensor(a[0]!, { requiresGrad: true })];
      const optB = build(b);
      optB.loadStateDict(optA.stateDict());
      for (const g of grads.slice(2)) {
        a[0]!.grad = tensor(g, { dtype: 'float64' });
        b[0]!.grad = tensor(g, { dtype: 'float64' });
        optA.step();
        optB.step();
        expect(b[0]!.toArray()).toEqual(a[0]!.toArray());
      }
    }
  });

  test('zeroGrad clears; parameters without gradients are left alone; bad options refused', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const q = tensor([3], { requiresGrad: true });
    const opt = new SGD([p, q], { lr: 1 });
    p.grad = tensor([1, 1]);
    opt.step();
    expect(p.toArray()).toEqual([0, 1]);
    expect(q.toArray()).toEqual([3]);
    opt.zeroGrad();
    expect(p.grad).toBeNull();
    expect(() => new SGD([p], { lr: -1 })).toThrow(ArgumentError);
    expect(() => new SGD([p], { lr: 0.1, nesterov: true })).toThrow(/nesterov momentum requires/);
    expect(() => new AdamW([p], { betas: [1, 0.9] })).toThrow('AdamW: betas[0] must be in [0, 1), got 1');
    expect(() => new AdamW([p.mul(2)])).toThrow(/non-leaf/);
    expect(() => new AdamW([])).toThrow(/empty parameter list/);
  });
});

describe('clipGradNorm matches torch.nn.utils.clip_grad_norm_', () => {
  const cases = optimFixture.cases.filter((c) => c.options.kind === 'clipGradNorm');
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const p0 = toTensor(c, 'p0').requiresGrad_();
    const p1 = toTensor(c, 'p1').requiresGrad_();
    p0.grad = toTensor(c, 'g0');
    if (c.inputs.g1) p1.grad = toTensor(c, 'g1');
    const total = clipGradNorm([p0, p1], c.options.maxNorm as number);
    expect(total).toBeCloseTo(asFloat64(c.outputs.totalNorm, 'totalNorm').data[0]!, 12);
    Array.from(p0.grad.toTypedArray()).forEach((v, i) => expect(v).toBeCloseTo(asFloat64(c.outputs.g0, 'g0').data[i]!, 12));
    if (c.outputs.g1) Array.from(p1.grad!.toTypedArray()).forEach((v, i) => expect(v).toBeCloseTo(asFloat64(c.outputs.g1, 'g1').data[i]!, 12));
    else expect(p1.grad).toBeNull();
  });
});

describe('clipGradNorm on float32 and strided gradients', () => {
  // Random shapes, some gradients transposed views: every result equals sum-of-squares and
  // mul_ done through the tensor ops, bit for bit, and each clipped gradient's version moves.
  test.each([1, 2, 3, 4, 5])('seed %i', (seed) => {
    const g = new Generator(seed);
    const shapes = Array.from({ length: 4 }, () => [g.integer(1, 10), g.integer(1, 10)]);
    const grads = shapes.map((s, i) => {
      const t = randn(s, { generator: g }).mul(3);
      return i % 2 === 1 ? t.mT : t;
    });
    const params = grads.map((gr) => zeros(gr.shape).requiresGrad_());
    params.forEach((p, i) => (p.grad = grads[i]!));
    const expectedNorm = Math.sqrt(grads.reduce((s, gr) => s + Array.from(gr.toTypedArray()).reduce((a, v) => a + v * v, 0), 0));
    const coef = 0.5 / (expectedNorm + 1e-6);
    const expected = grads.map((gr) => Array.from(gr.mul(coef).toTypedArray()));
    const versions = grads.map((gr) => gr.version);
    expect(clipGradNorm(params, 0.5)).toBeCloseTo(expectedNorm, 10);
    params.forEach((p, i) => {
      expect(Array.from(p.grad!.toTypedArray())).toEqual(expected[i]);
      expect(p.grad!.version).toBeGreaterThan(versions[i]!);
    });
  });
});

describe('lrCosineSchedule matches the CS336 formula', () => {
  test.each(scheduleFixture.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const o = c.options as Record<string, number>;
    const t = c.inputs.t!.data;
    const lr = asFloat64(c.outputs.lr, 'lr').data;
    t.forEach((step, i) => {
      expect(lrCosineSchedule(step, { maxLr: o.maxLr!, minLr: o.minLr!, warmupSteps: o.warmupIters!, cosineSteps: o.cosineCycleIters! })).toBeCloseTo(lr[i]!, 14);
    });
  });
});
