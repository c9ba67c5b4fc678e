/**
 * Counter-based dropout decisions for attention weights.
 *
 * The keep/drop decision for weight (b, h, i, j) is a pure function of (seed, b, h, i, j), so
 * the attention backward regenerates the forward's mask without storing it. Each index is
 * absorbed into a 32-bit state by a multiply-xorshift round (MurmurHash3's finaliser); every
 * round is a bijection of (state xor word), so within one (b, h) no two rows share a key and
 * within one row no two keys share their bits.
 */

/** MurmurHash3's 32-bit finaliser: a bijection on uint32 with full avalanche. */
function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

function absorb(state: number, word: number): number {
  return fmix32((Math.imul(state ^ word, 0xcc9e2d51) + 0xe6546b64) | 0);
}

/**
 * The 32-bit key of attention row (b, h, i) under `seed`; pass it to {@link dropoutBits} for
 * each key j. The seed is taken modulo 2^32.
 */
export function dropoutRowKey(seed: number, b: number, h: number, i: number): number {
  return absorb(absorb(absorb(absorb(0x2545f491, seed >>> 0), b), h), i);
}

/** Uniform uint32 bits for key j of the row whose key is `rowKey`. */
export function dropoutBits(rowKey: number, j: number): number {
  return fmix32((rowKey + Math.imul(j, 0x9e3779b9)) | 0);
}

/**
 * The keep threshold for drop probability p: a weight is kept when its bits are >= the
 * threshold, which happens with probability 1 - p (up to 2^-32).
 */
export function dropoutThreshold(p: number): number {
  return p * 4294967296;
}

/**
 * Whether attention weight (b, h, i, j) survives dropout with probability `p` under `seed`
 * (h is the query head). Pure: the same arguments always give the same answer. p = 0 keeps
 * everything, p = 1 drops everything.
 */
export function dropoutKeep(seed: number, b: number, h: number, i: number, j: number, p: number): boolean {
  return dropoutBits(dropoutRowKey(seed, b, h, i), j) >= dropoutThreshold(p);
}
