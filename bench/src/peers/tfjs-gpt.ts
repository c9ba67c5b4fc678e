import * as tf from '@tensorflow/tfjs';
import type { GptSpec, GptTrainer } from './peer.js';
import { tfjsCausalAttention, tfjsCausalMaskBias, toTf } from './tfjs-ops.js';

/**
 * The benchmark GPT in TensorFlow.js ops, trained with a hand-written AdamW (tfjs ships Adam
 * without decoupled weight decay). Token embeddings are a one-hot matmul because the wasm
 * backend has no kernel for gather's gradient (UnsortedSegmentSum).
 * `varPrefix` keeps variable names unique when two tfjs backends share the engine.
 */
export function tfjsGptTrainer(spec: GptSpec, varPrefix: string): GptTrainer {
  const { config: c, adamw: o, batch } = spec;
  const [B, T, D, H] = [batch.batch, batch.time, c.dModel, c.numHeads];
  const dh = D / H;
  const params = new Map<string, tf.Variable>();
  const m = new Map<string, tf.Variable>();
  const v = new Map<string, tf.Variable>();
  // tidy frees the initial values and the int32 intermediates; variables and the returned
  // tensors survive it.
  const [idxOneHot, targetOneHot, mask] = tf.tidy(() => {
    for (const [name, h] of spec.weights) {
      params.set(name, tf.variable(toTf(h), true, `${varPrefix}/${name}`));
      m.set(name, tf.variable(tf.zeros([...h.shape]), false, `${varPrefix}/m/${name}`));
      v.set(name, tf.variable(tf.zeros([...h.shape]), false, `${varPrefix}/v/${name}`));
    }
    const oneHot = (ids: Int32Array): tf.Tensor => tf.oneHot(tf.tensor1d(ids, 'int32'), c.vocabSize).toFloat();
    return [oneHot(batch.idx), oneHot(batch.targets), tfjsCausalMaskBias(T)]; // (B*T, V), (B*T, V), (T, T)
  });
  const p = (name: string): tf.Variable => {
    const w = params.get(name);
    if (!w) throw new Error(`tfjs-gpt: no weight named ${name}`);
    return w;
  };
  const linear = (x: tf.Tensor, name: string): tf.Tensor => tf.matMul(x, p(name), false, true); // x·Wᵀ
  const layerNorm = (x: tf.Tensor, norm: string): tf.Tensor => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.sub(x, mean).div(tf.sqrt(tf.add(variance, c.normEps))).mul(p(`${norm}.weight`)).add(p(`${norm}.bias`));
  };
  const gelu = (x: tf.Tensor): tf.Tensor => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
  const heads = (x: tf.Tensor): tf.Tensor => x.reshape([B, T, H, dh]).transpose([0, 2, 1, 3]); // (B, H, T, dh)

  const loss = (): tf.Scalar => {
    const pos = p('positionEmbedding.weight').slice([0, 0], [T, D]);
    let x = tf.matMul(idxOneHot, p('tokenEmbedding.weight')).reshape([B, T, D]).add(pos).reshape([B * T, D]);
    for (let i = 0; i < c.numLayers; i++) {
      const b = `blocks.${i}`;
      const h = layerNorm(x, `${b}.norm1`);
      const q = heads(linear(h, `${b}.attn.qProj.weight`));
      const k = heads(linear(h, `${b}.attn.kProj.weight`));
      const vv = heads(linear(h, `${b}.attn.vProj.weight`));
      const att = tfjsCausalAttention(q, k, vv, mask).transpose([0, 2, 1, 3]).reshape([B * T, D]);
      x = x.add(linear(att, `${b}.attn.outProj.weight`));
      const f = gelu(linear(layerNorm(x, `${b}.norm2`), `${b}.ffn.fc1.weight`));
      x = x.add(linear(f, `${b}.ffn.fc2.weight`));
    }
    const logits = linear(layerNorm(x, 'finalNorm'), 'lmHead.weight'); // (B*T, V)
    return tf.neg(tf.mean(tf.sum(tf.mul(targetOneHot, tf.logSoftmax(logits)), -1))) as tf.Scalar;
  };

  let t = 0;
  const adamw = (grads: tf.NamedTensorMap): void => {
    t += 1;
    const bc1 = 1 - o.beta1 ** t;
    const bc2 = 1 - o.beta2 ** t;
    tf.tidy(() => {
      for (const [name, w] of params) {
        const g = grads[w.name];
        const mi = m.get(name)!;
        const vi = v.get(name)!;
        mi.assign(mi.mul(o.beta1).add(g.mul(1 - o.beta1)));
        vi.assign(vi.mul(o.beta2).add(g.square().mul(1 - o.beta2)));
        const update = mi.div(bc1).div(vi.div(bc2).sqrt().add(o.eps));
        w.assign(w.mul(1 - o.lr * o.weightDecay).sub(update.mul(o.lr)));
      }
    });
  };

  return {
    step: () => {
      const { value, grads } = tf.variableGrads(loss, [...params.values()]);
      // cpu and wasm kernels run synchronously, so reading the loss and finishing the
      // assigns below leaves no work pending.
      const lossValue = value.dataSync()[0];
      adamw(grads);
      tf.dispose([value, ...Object.values(grads)]);
      return lossValue;
    },
    dispose: () => {
      tf.dispose([...params.values(), ...m.values(), ...v.values(), idxOneHot, targetOneHot, mask]);
    },
  };
}
