import { randnHost, SeededRandom, sizeOf } from '../data.js';
import { measure } from '../harness.js';
import type { MatmulSpec } from '../peers/peer.js';
import type { TimedRow } from '../report.js';
import { contenders, type BenchCase } from './case.js';

interface Shape {
  readonly label: string;
  readonly a: number[];
  readonly b: number[];
  readonly transA: boolean;
  readonly transB: boolean;
}

// The matmuls of a tiny transformer's training step (dModel 64, dFf 256, 1024 tokens, head
// dim 16): a Linear's forward and both backward products, and attention's two batched ones.
// Transposed operands are passed in stored layout, as autograd hands them over.
const SHAPES: readonly Shape[] = [
  { label: 'X·W (1024×64 · 64×256)', a: [1024, 64], b: [64, 256], transA: false, transB: false },
  { label: 'dY·Wᵀ (1024×256 · (64×256)ᵀ)', a: [1024, 256], b: [64, 256], transA: false, transB: true },
  { label: 'Xᵀ·dY ((1024×64)ᵀ · 1024×256)', a: [1024, 64], b: [1024, 256], transA: true, transB: false },
  { label: 'Q·Kᵀ (64 × 64×16 · (64×16)ᵀ)', a: [64, 64, 16], b: [64, 64, 16], transA: false, transB: true },
  { label: 'P·V (64 × 64×64 · 64×16)', a: [64, 64, 64], b: [64, 64, 16], transA: false, transB: false },
];

/** 2·batch·m·n·k for op(a)·op(b). */
function flopsOf(s: Shape): number {
  const [m, k] = s.transA ? [s.a.at(-1)!, s.a.at(-2)!] : [s.a.at(-2)!, s.a.at(-1)!];
  const n = s.transB ? s.b.at(-2)! : s.b.at(-1)!;
  const batch = sizeOf(s.a.slice(0, -2));
  return 2 * batch * m * n * k;
}

/** The matmul shapes of a tiny transformer's forward and backward, in GFLOPS. */
export const trainingMatmul: BenchCase = {
  name: 'training-matmul',
  summary: "a tiny transformer's forward/backward matmul shapes, incl. transposed and batched (GFLOPS)",
  async run(ctx) {
    const rows: TimedRow[] = [];
    for (const [i, s] of SHAPES.entries()) {
      ctx.log(`training-matmul ${s.label}`);
      const rng = new SeededRandom(2000 + i);
      const spec: MatmulSpec = { a: randnHost(rng, s.a), b: randnHost(rng, s.b), transA: s.transA, transB: s.transB };
      const timings = await measure(
        contenders(ctx.peers, (p) => p.matmul(spec)),
        ctx.timing,
      );
      rows.push({ label: s.label, flops: flopsOf(s), timings });
    }
    return {
      kind: 'timing',
      name: 'training-matmul',
      title: 'Training-shaped matmuls, float32 (GFLOPS, higher is better)',
      unit: 'GFLOPS',
      rows,
      notes: ['Transposed operands are strided views in tsgrad, transpose flags in tfjs, matrixTranspose under jit in jax-js.'],
    };
  },
};
