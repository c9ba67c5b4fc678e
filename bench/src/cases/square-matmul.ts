import { randnHost, SeededRandom } from '../data.js';
import { measure } from '../harness.js';
import { THREADED, type TimedRow } from '../report.js';
import { contenders, type BenchCase } from './case.js';

/** Square float32 matmul C = A·B at growing N, in GFLOPS (2N³ flops per product). */
export const squareMatmul: BenchCase = {
  name: 'square-matmul',
  summary: 'square float32 matmul, N = 64 … 1024 (GFLOPS)',
  async run(ctx) {
    const sizes = ctx.quick ? [64, 256] : [64, 128, 256, 512, 1024];
    const rows: TimedRow[] = [];
    for (const n of sizes) {
      ctx.log(`square-matmul N=${n}`);
      const rng = new SeededRandom(1000 + n);
      const spec = { a: randnHost(rng, [n, n]), b: randnHost(rng, [n, n]), transA: false, transB: false };
      const timings = await measure(
        contenders(ctx.peers, (p) => p.matmul(spec)),
        ctx.timing,
      );
      rows.push({ label: `N=${n}`, flops: 2 * n ** 3, timings });
    }
    return {
      kind: 'timing',
      name: 'square-matmul',
      title: 'Square matmul, float32 (GFLOPS, higher is better)',
      unit: 'GFLOPS',
      rows,
      notes: [],
      // The two-thread target is stated against tfjs-wasm (itself on one thread).
      extraRatios: [['tfjs-wasm', THREADED]],
    };
  },
};
