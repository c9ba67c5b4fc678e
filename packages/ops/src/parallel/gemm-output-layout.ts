/**
 * How the C items of a batch relate: 'shared' when all start at one offset (every item writes
 * the same block, in order), 'disjoint' when no two items' spans of `extent` elements overlap,
 * 'overlapping' otherwise (then only running items in order on one thread is right).
 */
export function outputLayout(
  offsets: ArrayLike<number> | undefined, batch: number, extent: number,
): 'shared' | 'disjoint' | 'overlapping' {
  if (batch === 1 || offsets === undefined) return 'shared';
  let same = true;
  for (let t = 1; t < batch && same; t++) same = offsets[t] === offsets[0];
  if (same) return 'shared';
  const sorted = Float64Array.from({ length: batch }, (_, t) => offsets[t]).sort();
  for (let t = 1; t < batch; t++) if (sorted[t - 1] + extent > sorted[t]) return 'overlapping';
  return 'disjoint';
}
