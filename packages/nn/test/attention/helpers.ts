// Shared helpers of the attention tests.
import { Generator, Tensor, randn, type DType } from '@tsgrad/core';
import type { FixtureTensor } from '../fixtures/load-fixture.js';

/** Both implementations, for describe.each. */
export const IMPLEMENTATIONS = ['fused', 'composite'] as const;

/** A fixture tensor as a tsgrad tensor (float64 stays float64), optionally requiring grad. */
export function fromFixture(t: FixtureTensor, requiresGrad = false): Tensor {
  const data = t.data.slice();
  const out = Tensor.fromData(data, t.shape);
  if (requiresGrad) out.requiresGrad = true;
  return out;
}

/** Largest |a − b| over all elements; Infinity on a shape mismatch or NaN. */
export function maxAbsDiff(a: Tensor | ArrayLike<number>, b: Tensor | ArrayLike<number>): number {
  const isTensor = (t: unknown): t is Tensor => t instanceof Tensor;
  if (isTensor(a) && isTensor(b) && a.shape.join() !== b.shape.join()) return Infinity;
  const x: ArrayLike<number> = isTensor(a) ? a.toTypedArray() : a;
  const y: ArrayLike<number> = isTensor(b) ? b.toTypedArray() : b;
  if (x.length !== y.length) return Infinity;
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i]! - y[i]!);
    m = Number.isNaN(d) ? Infinity : Math.max(m, d);
  }
  return m;
}

/** Seeded float64 normal samples (a leaf requiring grad unless told otherwise). */
export function leaf(shape: number[], seed: number, requiresGrad = true, dtype: DType = 'float64'): Tensor {
  return randn(shape, { dtype, generator: new Generator(seed), requiresGrad });
}

/** A bool tensor from nested booleans. */
export function boolMask(rows: boolean[][]): Tensor {
  return Tensor.fromData(Uint8Array.from(rows.flat(), (v) => (v ? 1 : 0)), [rows.length, rows[0]!.length]);
}
