import type { AttentionArgs, AttentionArray } from './attention-args.js';

/**
 * Applies the masks to a tile of scores s[r·ld + c] for query rows i0 + r (r < rows) and keys
 * j0 + c (c < cols) of batch b, query head h: adds the float mask, then sets every score that
 * the boolean mask or the causal rule (key after query) blocks to -Infinity.
 */
export function maskScoreTile<T extends AttentionArray>(
  args: AttentionArgs<T>,
  s: T, ld: number, rows: number, cols: number,
  b: number, h: number, i0: number, j0: number,
): void {
  const fm = args.floatMask;
  if (fm !== undefined) {
    const d = fm.data;
    const st = fm.strides;
    const sj = st[3];
    let base = fm.offset + b * st[0] + h * st[1] + i0 * st[2] + j0 * sj;
    for (let r = 0; r < rows; r++, base += st[2]) {
      const o = r * ld;
      for (let c = 0; c < cols; c++) s[o + c] += d[base + c * sj];
    }
  }
  const bm = args.boolMask;
  if (bm !== undefined) {
    const d = bm.data;
    const st = bm.strides;
    const sj = st[3];
    let base = bm.offset + b * st[0] + h * st[1] + i0 * st[2] + j0 * sj;
    for (let r = 0; r < rows; r++, base += st[2]) {
      const o = r * ld;
      for (let c = 0; c < cols; c++) if (d[base + c * sj] === 0) s[o + c] = -Infinity;
    }
  }
  if (args.causal && j0 + cols - 1 > i0) {
    for (let r = 0; r < rows; r++) {
      const o = r * ld;
      for (let c = Math.max(0, i0 + r - j0 + 1); c < cols; c++) s[o + c] = -Infinity;
    }
  }
}
