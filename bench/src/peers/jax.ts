import { blockUntilReady, defaultDevice, grad, init, jit, numpy as np } from '@jax-js/jax';
import { jaxGptTrainer } from './jax-gpt.js';
import { jaxCausalAttention, jaxCausalMaskBias, toJax } from './jax-ops.js';
import type { AttentionSpec, MatmulSpec, Peer, Runner } from './peer.js';

// jax-js 0.1.25 on its WebAssembly device. Every benchmarked function goes through jit (one
// compiled program per shape, traced during warm-up). In Node 20 jax-js finds no global Worker,
// so it runs single-threaded, like the other peers. Runners await blockUntilReady, since
// jax-js evaluates lazily, and then drop their outputs' references.

function matmulRunner(spec: MatmulSpec): Runner {
  const a = toJax(spec.a);
  const b = toJax(spec.b);
  const f = jit((x: np.Array, y: np.Array) =>
    np.matmul(spec.transA ? np.matrixTranspose(x) : x, spec.transB ? np.matrixTranspose(y) : y),
  );
  return {
    run: async () => {
      const c = f(a.ref, b.ref);
      await c.blockUntilReady();
      c.dispose();
    },
    dispose: () => {
      a.dispose();
      b.dispose();
      f.dispose();
    },
  };
}

function attentionRunner(spec: AttentionSpec): Runner {
  const [q, k, v, dOut] = [spec.q, spec.k, spec.v, spec.dOut].map(toJax);
  const mask = jaxCausalMaskBias(spec.q.shape[2]);
  // Gradient of <attention(q, k, v), dOut> is the vector-Jacobian product with cotangent dOut.
  const objective = (qq: np.Array, kk: np.Array, vv: np.Array, dd: np.Array, mm: np.Array): np.Array =>
    np.sum(jaxCausalAttention(qq, kk, vv, mm).mul(dd));
  const step = jit(grad(objective, { argnums: [0, 1, 2] }));
  return {
    run: async () => {
      const grads = step(q.ref, k.ref, v.ref, dOut.ref, mask.ref);
      await blockUntilReady(grads);
      for (const g of grads) g.dispose();
    },
    dispose: () => {
      for (const x of [q, k, v, dOut, mask]) x.dispose();
      step.dispose();
    },
  };
}

/** Initialises jax-js's wasm device and returns the peer. */
export async function jaxPeer(): Promise<Peer> {
  const available = await init('wasm');
  if (!available.includes('wasm')) throw new Error(`jax-js: wasm device unavailable (got ${available.join(', ')})`);
  defaultDevice('wasm');
  return {
    name: 'jax-js',
    description: '@jax-js/jax 0.1.25, wasm device, jit, single thread',
    matmul: matmulRunner,
    attention: attentionRunner,
    gptTrainer: jaxGptTrainer,
  };
}
