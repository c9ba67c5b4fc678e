import { numpy as np, nn } from '@jax-js/jax';
import type { HostTensor } from './peer.js';

// Helpers shared by the jax-js peer and its GPT. jax-js counts references: every function
// consumes its array arguments, so an array used twice is passed as `x.ref` the first time.

/** Copies host data into a jax-js array on the default device. */
export function toJax(h: HostTensor): np.Array {
  return np.array(h.data, { shape: [...h.shape] });
}

/**
 * Causal attention written with jax-js ops: scale q, q·kᵀ, add a (T, T) mask bias (0 where
 * visible, -1e9 above the diagonal), softmax, ·v. Consumes all four arguments.
 */
export function jaxCausalAttention(q: np.Array, k: np.Array, v: np.Array, maskBias: np.Array): np.Array {
  const d = q.shape[q.ndim - 1];
  const scores = np.matmul(q.mul(1 / Math.sqrt(d)), np.matrixTranspose(k)).add(maskBias); // (B, H, T, T)
  return np.matmul(nn.softmax(scores, -1), v); // (B, H, T, d)
}

/** The (T, T) additive causal mask. */
export function jaxCausalMaskBias(t: number): np.Array {
  const bias = new Float32Array(t * t);
  for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) bias[i * t + j] = -1e9;
  return np.array(bias, { shape: [t, t] });
}
