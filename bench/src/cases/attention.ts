import { randnHost, SeededRandom } from '../data.js';
import { measure } from '../harness.js';
import type { AttentionSpec } from '../peers/peer.js';
import type { TimedRow } from '../report.js';
import { contenders, type BenchCase } from './case.js';

/** Builds q, k, v and the output cotangent for a (B, H, T, d) causal attention. */
export function attentionSpec(shape: readonly number[], seed: number): AttentionSpec {
  const rng = new SeededRandom(seed);
  return { q: randnHost(rng, shape), k: randnHost(rng, shape), v: randnHost(rng, shape), dOut: randnHost(rng, shape) };
}

/** Causal attention forward + backward (gradients of q, k, v), median ms. */
export const attention: BenchCase = {
  name: 'attention',
  summary: 'causal attention forward + backward at (B,H,T,d) = (4,4,128,32), (2,8,512,64) (ms)',
  async run(ctx) {
    const shapes = ctx.quick ? [[4, 4, 128, 32]] : [[4, 4, 128, 32], [2, 8, 512, 64]];
    const rows: TimedRow[] = [];
    for (const [i, shape] of shapes.entries()) {
      const label = `(B,H,T,d)=(${shape.join(',')})`;
      ctx.log(`attention ${label}`);
      const spec = attentionSpec(shape, 3000 + i);
      const timings = await measure(
        contenders(ctx.peers, (p) => p.attention(spec)),
        ctx.timing,
      );
      rows.push({ label, timings });
    }
    return {
      kind: 'timing',
      name: 'attention',
      title: 'Causal attention, forward + backward (median ms, lower is better)',
      unit: 'ms',
      rows,
      notes: [
        'tsgrad: scaledDotProductAttention(q, k, v, { isCausal: true }) then backward(dOut).',
        'Peers: scale·q·kᵀ + causal mask bias → softmax → ·v written with their own ops, gradients of',
        'q, k, v by their autograd (tf.grads; jit(grad(...)) in jax-js) with the same cotangent dOut.',
      ],
    };
  },
};
