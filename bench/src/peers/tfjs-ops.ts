import * as tf from '@tensorflow/tfjs';
import type { HostTensor } from './peer.js';

// Helpers shared by the tfjs peer and its GPT, on whichever backend is current.

/** Creates a tensor on the current backend from host data. */
export function toTf(h: HostTensor): tf.Tensor {
  return tf.tensor(h.data, [...h.shape], 'float32');
}

/**
 * Causal attention as a user writes it with tfjs ops: scale q, q·kᵀ, add a (T, T) mask bias
 * (0 where visible, -1e9 above the diagonal), softmax, ·v.
 */
export function tfjsCausalAttention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, maskBias: tf.Tensor): tf.Tensor {
  const d = q.shape[q.rank - 1];
  const scores = tf.matMul(tf.mul(q, 1 / Math.sqrt(d)), k, false, true).add(maskBias); // (B, H, T, T)
  return tf.matMul(tf.softmax(scores), v); // (B, H, T, d)
}

/** The (T, T) additive causal mask. */
export function tfjsCausalMaskBias(t: number): tf.Tensor {
  const bias = new Float32Array(t * t);
  for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) bias[i * t + j] = -1e9;
  return tf.tensor2d(bias, [t, t]);
}
