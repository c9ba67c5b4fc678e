import type { BinaryRow } from './elementwise.js';

// Row kernels of the four arithmetic operators, shared by the out-of-place ops (ops/arithmetic.ts)
// and their in-place forms (ops/inplace.ts) so both compute exactly the same values.

/** o = a + b along one strided row. */
export const addRow: BinaryRow = (o, oi, os, a, ai, as, b, bi, bs, n) => {
  for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = a[ai]! + b[bi]!;
};

/** o = a − b along one strided row. */
export const subRow: BinaryRow = (o, oi, os, a, ai, as, b, bi, bs, n) => {
  for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = a[ai]! - b[bi]!;
};

/** o = a · b along one strided row. */
export const mulRow: BinaryRow = (o, oi, os, a, ai, as, b, bi, bs, n) => {
  for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = a[ai]! * b[bi]!;
};

/** o = a / b along one strided row (true division). */
export const divRow: BinaryRow = (o, oi, os, a, ai, as, b, bi, bs, n) => {
  for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = a[ai]! / b[bi]!;
};
