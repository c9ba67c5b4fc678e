// Runs a PyTorch fixture case (packages/ops/test/fixtures/ops.json) through a tsgrad function:
// forward values and the gradients of sum(out * cotangent) must match PyTorch's.
import { join } from 'path';
import { Tensor, grad, mul, sum, tensor } from '@tsgrad/core';
import { OPS_FIXTURE_DIR, loadFixture, type FixtureCase, type FixtureFile, type FixtureTensor } from '../fixtures/load-fixture.js';

let cached: FixtureFile | null = null;

/** The ops fixture cases for one op name. */
export function opsFixtureCases(op: string): FixtureCase[] {
  cached ??= loadFixture(join(OPS_FIXTURE_DIR, 'ops.json'));
  return cached.cases.filter((c) => c.options.op === op);
}

function toTensor(t: FixtureTensor): Tensor {
  return tensor(t.data, { dtype: t.dtype, shape: t.shape, requiresGrad: t.dtype === 'float64' });
}

function expectData(actual: Tensor, expected: FixtureTensor, label: string): void {
  expect({ label, shape: actual.shape }).toEqual({ label, shape: expected.shape });
  const got = actual.toTypedArray();
  expected.data.forEach((v, i) => {
    if (Math.abs(got[i]! - v) > 1e-10 + 1e-9 * Math.abs(v)) {
      throw new Error(`${label}[${i}]: got ${got[i]}, PyTorch gives ${v}`);
    }
  });
}

/** Checks `fn(inputs by name)` against the case's `out` and its gradients. */
export function checkFixture(c: FixtureCase, fn: (inputs: Record<string, Tensor>) => Tensor): void {
  const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, toTensor(v)]));
  const out = fn(inputs);
  expectData(out, c.outputs.out!, `${c.name} out`);
  if (c.cotangent === undefined) return;
  const names = Object.keys(c.grads);
  const cot = toTensor(c.cotangent).detach();
  const grads = grad(sum(mul(out, cot)), names.map((n) => inputs[n]!));
  names.forEach((n, i) => expectData(grads[i]!, c.grads[n]!, `${c.name} grad ${n}`));
}
