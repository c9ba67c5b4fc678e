/** cos/sin of pos · theta^(−2i/d) for pos < maxSeqLen and i < d/2, row-major (pos, i). */
export interface RopeTables {
  /** Base of the rotation frequencies (10000 in the RoPE paper). */
  readonly theta: number;
  /** Rotated feature size d (even): the tables hold d/2 frequencies per position. */
  readonly dim: number;
  /** Positions covered; a longer sequence needs new tables. */
  readonly maxSeqLen: number;
  /** cos(pos · theta^(−2i/d)), (maxSeqLen, d/2) row-major. */
  readonly cos: Float64Array;
  /** sin(pos · theta^(−2i/d)), (maxSeqLen, d/2) row-major. */
  readonly sin: Float64Array;
}

const MAX_CACHED = 32;
// Insertion-ordered, so the first key is the least recently used one.
const cache = new Map<string, RopeTables>();

/**
 * The rotation tables for (theta, d, maxSeqLen), computed once in float64 and cached (the 32
 * most recently used combinations are kept). Treat the arrays as read-only.
 */
export function ropeTables(theta: number, dim: number, maxSeqLen: number): RopeTables {
  const key = `${theta}|${dim}|${maxSeqLen}`;
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const half = dim / 2;
  const cos = new Float64Array(maxSeqLen * half);
  const sin = new Float64Array(maxSeqLen * half);
  const freqs = Float64Array.from({ length: half }, (_, i) => Math.pow(theta, (-2 * i) / dim));
  for (let p = 0; p < maxSeqLen; p++) {
    for (let i = 0; i < half; i++) {
      const angle = p * freqs[i]!;
      cos[p * half + i] = Math.cos(angle);
      sin[p * half + i] = Math.sin(angle);
    }
  }
  const tables = { theta, dim, maxSeqLen, cos, sin };
  cache.set(key, tables);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string);
  return tables;
}
