// Helpers turning fixture tensors into tsgrad tensors and comparing results against them.
import { Tensor, tensor } from '@tsgrad/core';
import type { FixtureTensor } from '../fixtures/load-fixture.js';

/** A tsgrad tensor holding a fixture tensor's data (a copy), optionally requiring grad. */
export function fromFixture(t: FixtureTensor, requiresGrad = false): Tensor {
  return tensor(t.data, { shape: t.shape, dtype: t.dtype, requiresGrad });
}

/** Largest absolute difference, treating NaN == NaN as equal; throws on shape mismatch. */
export function maxAbsDiff(actual: Tensor, expected: FixtureTensor): number {
  if (actual.shape.join(',') !== expected.shape.join(',')) {
    throw new Error(`shape [${actual.shape}] differs from the fixture's [${expected.shape}]`);
  }
  const a = actual.toTypedArray();
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = expected.data[i]!;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (x === y) continue;
    const diff = Math.abs(x - y);
    worst = Number.isNaN(diff) ? Infinity : Math.max(worst, diff);
  }
  return worst;
}

/** Asserts `actual` matches the fixture within `tol` (absolute, scaled by max(1, |expected|)). */
export function expectClose(actual: Tensor, expected: FixtureTensor, tol: number, label = ''): void {
  const scale = Math.max(1, ...Array.from(expected.data as ArrayLike<number>, (v) => (Number.isFinite(v) ? Math.abs(v) : 0)));
  const diff = maxAbsDiff(actual, expected);
  if (!(diff <= tol * scale)) throw new Error(`${label}: max abs diff ${diff} exceeds ${tol * scale}`);
}
