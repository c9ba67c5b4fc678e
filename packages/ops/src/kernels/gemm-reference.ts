import { checkGemmArgs, offsetAt, type FloatArray, type GemmArgs } from './gemm-types.js';

/**
 * The plain triple loop, summing each dot product in float64: the oracle the fast GEMM paths
 * are tested against. Same contract as `gemm`.
 */
export function gemmReference<T extends FloatArray>(args: GemmArgs<T>): void {
  const batch = checkGemmArgs(args);
  const { m, n, k, a, b, c, aRowStride, aColStride, bRowStride, bColStride, cRowStride } = args;
  const alpha = args.alpha ?? 1;
  for (let t = 0; t < batch; t++) {
    const ao = offsetAt(args.aOffsets, t);
    const bo = offsetAt(args.bOffsets, t);
    const co = offsetAt(args.cOffsets, t);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) {
          sum += a[ao + i * aRowStride + p * aColStride] * b[bo + p * bRowStride + j * bColStride];
        }
        const ci = co + i * cRowStride + j;
        c[ci] = args.accumulate ? c[ci] + alpha * sum : alpha * sum;
      }
    }
  }
}
