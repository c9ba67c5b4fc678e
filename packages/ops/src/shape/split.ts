import { ArgumentError, Tensor, fmtShape, normalizeDim, registerMethod, slice } from '@tsgrad/core';

declare module '@tsgrad/core' {
  interface Tensor {
    /** `split(this, sizeOrSections, dim)`. */
    split(sizeOrSections: number | readonly number[], dim?: number): Tensor[];
    /** `chunk(this, chunks, dim)`. */
    chunk(chunks: number, dim?: number): Tensor[];
  }
}

function pieces(x: Tensor, d: number, sizes: readonly number[]): Tensor[] {
  const out: Tensor[] = [];
  let start = 0;
  for (const n of sizes) {
    out.push(slice(x, d, start, start + n));
    start += n;
  }
  return out;
}

/**
 * Cuts `x` along `dim` into views (no copies). A number gives pieces of that size, the last
 * one smaller when the size does not divide evenly (`(5, 2)` split by 2 gives sizes 2, 2, 1);
 * an array gives pieces of exactly those sizes, which must add up to the dim's size.
 */
export function split(x: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  if (!(x instanceof Tensor)) throw new ArgumentError('split: x must be a Tensor');
  if (x.ndim === 0) throw new ArgumentError('split: cannot split a zero-dimensional tensor');
  const d = normalizeDim('split', dim, x.ndim);
  const size = x.shape[d]!;
  if (typeof sizeOrSections === 'number') {
    const n = sizeOrSections;
    if (!Number.isInteger(n) || n < 0 || (n === 0 && size !== 0)) {
      throw new ArgumentError(`split: split size must be a positive integer, got ${n} (dim ${d} has size ${size})`);
    }
    if (size === 0) return [x];
    const sizes: number[] = [];
    for (let s = 0; s < size; s += n) sizes.push(Math.min(n, size - s));
    return pieces(x, d, sizes);
  }
  const sections = [...sizeOrSections];
  if (sections.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new ArgumentError(`split: sections must be non-negative integers, got [${sections.join(',')}]`);
  }
  const sum = sections.reduce((a, b) => a + b, 0);
  if (sum !== size) {
    throw new ArgumentError(`split: sections [${sections.join(',')}] sum to ${sum} but dim ${d} of ${fmtShape(x.shape)} has size ${size}`);
  }
  return pieces(x, d, sections);
}

/**
 * Cuts `x` along `dim` into at most `chunks` views of size `ceil(size / chunks)` (the last
 * may be smaller, and fewer chunks come back when the size is too small, as in PyTorch):
 * size 5 in 3 chunks gives 2, 2, 1; size 4 in 3 chunks gives 2, 2.
 */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!(x instanceof Tensor)) throw new ArgumentError('chunk: x must be a Tensor');
  if (!Number.isInteger(chunks) || chunks <= 0) throw new ArgumentError(`chunk: chunks must be a positive integer, got ${chunks}`);
  if (x.ndim === 0) throw new ArgumentError('chunk: cannot chunk a zero-dimensional tensor');
  const d = normalizeDim('chunk', dim, x.ndim);
  const size = x.shape[d]!;
  if (size === 0) return pieces(x, d, new Array<number>(chunks).fill(0));
  return split(x, Math.ceil(size / chunks), d);
}

registerMethod('split', split);
registerMethod('chunk', chunk);
