// Values and gradients of the elementwise, reduction and nn ops against PyTorch (float64
// fixtures in packages/ops/test/fixtures/ops.json): outputs, and gradients of
// sum(out ∘ cotangent) for every float64 input.
import { join } from 'path';
import { Tensor, add, div, grad, mul, neg, sub, sum, tensor } from '@tsgrad/core';
import {
  abs, amax, amin, argmax, argmin, clamp, erf, exp, gelu, log, log1p, logSoftmax, logsumexp, maskedFill, max, maximum,
  mean, min, minimum, pow, prod, relu, rsqrt, sigmoid, silu, softmax, sqrt, std, tanh, variance, where,
  type GeluApproximate,
} from '../../src/index.js';
import { OPS_FIXTURE_DIR, loadFixture, type FixtureCase, type FixtureTensor } from '../fixtures/load-fixture.js';

type Options = Record<string, unknown>;
type Outputs = Record<string, Tensor>;
type Run = (i: Record<string, Tensor>, o: Options) => Tensor | Outputs;

const dim = (o: Options) => o.dim as number | number[] | undefined;
const keep = (o: Options) => (o.keepDim as boolean | undefined) ?? false;

const ops: Record<string, Run> = {
  add: (i) => add(i.a!, i.b!),
  sub: (i) => sub(i.a!, i.b!),
  mul: (i) => mul(i.a!, i.b!),
  div: (i) => div(i.a!, i.b!),
  neg: (i) => neg(i.x!),
  maximum: (i) => maximum(i.a!, i.b!),
  minimum: (i) => minimum(i.a!, i.b!),
  pow: (i, o) => (o.exponent === undefined ? pow(i.a!, i.b!) : pow(i.x!, o.exponent as number)),
  exp: (i) => exp(i.x!),
  log: (i) => log(i.x!),
  log1p: (i) => log1p(i.x!),
  sqrt: (i) => sqrt(i.x!),
  rsqrt: (i) => rsqrt(i.x!),
  abs: (i) => abs(i.x!),
  tanh: (i) => tanh(i.x!),
  sigmoid: (i) => sigmoid(i.x!),
  relu: (i) => relu(i.x!),
  silu: (i) => silu(i.x!),
  erf: (i) => erf(i.x!),
  gelu: (i, o) => gelu(i.x!, { approximate: o.approximate as GeluApproximate }),
  clamp: (i, o) => clamp(i.x!, { min: o.min as number | undefined, max: o.max as number | undefined }),
  where: (i) => where(i.condition!, i.a!, i.b!),
  sum: (i, o) => sum(i.x!, dim(o), keep(o)),
  mean: (i, o) => mean(i.x!, dim(o), keep(o)),
  var: (i, o) => variance(i.x!, dim(o), { correction: o.correction as number, keepDim: keep(o) }),
  std: (i, o) => std(i.x!, dim(o), { correction: o.correction as number, keepDim: keep(o) }),
  max: (i, o) => (o.dim === undefined ? max(i.x!) : { ...max(i.x!, o.dim as number, keep(o)) }),
  min: (i, o) => (o.dim === undefined ? min(i.x!) : { ...min(i.x!, o.dim as number, keep(o)) }),
  amax: (i, o) => amax(i.x!, dim(o), keep(o)),
  amin: (i, o) => amin(i.x!, dim(o), keep(o)),
  argmax: (i, o) => argmax(i.x!, o.dim as number | undefined, keep(o)),
  argmin: (i, o) => argmin(i.x!, o.dim as number | undefined, keep(o)),
  logsumexp: (i, o) => logsumexp(i.x!, dim(o), keep(o)),
  prod: (i, o) => prod(i.x!, dim(o), keep(o)),
  softmax: (i, o) => softmax(i.x!, o.dim as number),
  logSoftmax: (i, o) => logSoftmax(i.x!, o.dim as number),
  maskedFill: (i, o) => maskedFill(i.x!, i.mask!, o.value as number),
};

function toTensor(t: FixtureTensor): Tensor {
  return tensor(t.data, { dtype: t.dtype, shape: t.shape, requiresGrad: t.dtype === 'float64' });
}

function expectClose(actual: Tensor, expected: FixtureTensor, label: string): void {
  expect([label, actual.shape]).toEqual([label, expected.shape]);
  expect([label, actual.dtype]).toEqual([label, expected.dtype]);
  const got = actual.toTypedArray();
  expected.data.forEach((v, k) => {
    const ok = Number.isNaN(v) ? Number.isNaN(got[k]!) : got[k] === v || Math.abs(got[k]! - v) <= 1e-12 + 1e-10 * Math.abs(v);
    if (!ok) throw new Error(`${label}[${k}]: got ${got[k]}, PyTorch gives ${v}`);
  });
}

function check(c: FixtureCase, run: Run): void {
  const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, toTensor(v)]));
  const result = run(inputs, c.options);
  const outputs: Outputs = result instanceof Tensor ? { out: result } : result;
  for (const [name, expected] of Object.entries(c.outputs)) expectClose(outputs[name]!, expected, `${c.name} ${name}`);
  if (c.cotangent === undefined) return;
  const primary = outputs[Object.keys(c.outputs)[0]!]!;
  const names = Object.keys(c.grads);
  const grads = grad(sum(mul(primary, toTensor(c.cotangent).detach())), names.map((n) => inputs[n]!));
  names.forEach((n, k) => expectClose(grads[k]!, c.grads[n]!, `${c.name} grad ${n}`));
}

const file = loadFixture(join(OPS_FIXTURE_DIR, 'ops.json'));

describe('elementwise, reduction and nn ops match PyTorch (values and gradients)', () => {
  for (const [op, run] of Object.entries(ops)) {
    const cases = file.cases.filter((c) => c.options.op === op);
    test(`${op}: ${cases.length} fixture cases`, () => {
      expect(cases.length).toBeGreaterThan(0);
      for (const c of cases) check(c, run);
    });
  }
});
