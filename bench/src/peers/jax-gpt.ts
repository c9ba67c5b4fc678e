import { blockUntilReady, jit, nn, numpy as np, valueAndGrad } from '@jax-js/jax';
import { jaxCausalAttention, jaxCausalMaskBias, toJax } from './jax-ops.js';
import type { GptSpec, GptTrainer } from './peer.js';

/** Parameters (or optimizer moments) keyed by tsgrad state-dict names. */
type Params = { [name: string]: np.Array };

function mapParams(p: Params, f: (x: np.Array, name: string) => np.Array): Params {
  const out: Params = {};
  for (const name of Object.keys(p)) out[name] = f(p[name], name);
  return out;
}

/**
 * The benchmark GPT as a pure jax-js function, with the whole train step (loss, gradient,
 * AdamW) under one jit, the way a JAX user writes it. Parameters and moments are threaded
 * through the step: each call consumes the old arrays and returns new ones. Token embeddings
 * are a one-hot matmul because the gradient of np.take (a scatter) does not compile under jit
 * in 0.1.25 ("routine primitive scatter input is not imm").
 */
export function jaxGptTrainer(spec: GptSpec): GptTrainer {
  const { config: c, adamw: o, batch } = spec;
  const [B, T, D, H] = [batch.batch, batch.time, c.dModel, c.numHeads];
  const dh = D / H;

  const layerNorm = (x: np.Array, p: Params, norm: string): np.Array => {
    const xc = x.ref.sub(x.mean(-1, { keepdims: true }));
    const variance = xc.ref.mul(xc.ref).mean(-1, { keepdims: true });
    return xc.div(np.sqrt(variance.add(c.normEps))).mul(p[`${norm}.weight`]).add(p[`${norm}.bias`]);
  };
  const linear = (x: np.Array, w: np.Array): np.Array => np.matmul(x, np.matrixTranspose(w)); // x·Wᵀ
  const heads = (x: np.Array): np.Array => x.reshape([B, T, H, dh]).transpose([0, 2, 1, 3]); // (B, H, T, dh)

  const loss = (p: Params, idx: np.Array, targets: np.Array, mask: np.Array): np.Array => {
    const pos = p['positionEmbedding.weight'].slice([0, T]);
    const tokens = np.matmul(nn.oneHot(idx, c.vocabSize), p['tokenEmbedding.weight']); // (B*T, D)
    let x = tokens.reshape([B, T, D]).add(pos).reshape([B * T, D]);
    for (let i = 0; i < c.numLayers; i++) {
      const b = `blocks.${i}`;
      const h = layerNorm(x.ref, p, `${b}.norm1`);
      const q = heads(linear(h.ref, p[`${b}.attn.qProj.weight`]));
      const k = heads(linear(h.ref, p[`${b}.attn.kProj.weight`]));
      const v = heads(linear(h, p[`${b}.attn.vProj.weight`]));
      const att = jaxCausalAttention(q, k, v, mask.ref).transpose([0, 2, 1, 3]).reshape([B * T, D]);
      x = x.add(linear(att, p[`${b}.attn.outProj.weight`]));
      const f = nn.gelu(linear(layerNorm(x.ref, p, `${b}.norm2`), p[`${b}.ffn.fc1.weight`]), {
        approximate: false,
      });
      x = x.add(linear(f, p[`${b}.ffn.fc2.weight`]));
    }
    mask.dispose();
    const logits = linear(layerNorm(x, p, 'finalNorm'), p['lmHead.weight']); // (B*T, V)
    const picked = nn.logSoftmax(logits, -1).mul(nn.oneHot(targets, c.vocabSize)).sum(-1);
    return picked.mean().neg();
  };

  // bc1, bc2 are AdamW's bias corrections 1 - beta^t, passed as arrays so the step
  // compiles once instead of once per step count.
  const trainStep = jit(
    (p: Params, m: Params, v: Params, idx: np.Array, targets: np.Array, mask: np.Array, bc1: np.Array, bc2: np.Array) => {
      const [value, g] = valueAndGrad(loss)(mapParams(p, (x) => x.ref), idx, targets, mask);
      const m2 = mapParams(m, (mi, name) => mi.mul(o.beta1).add(g[name].ref.mul(1 - o.beta1)));
      const v2 = mapParams(v, (vi, name) => vi.mul(o.beta2).add(g[name].ref.mul(g[name]).mul(1 - o.beta2)));
      const p2 = mapParams(p, (w, name) => {
        const update = m2[name].ref.div(bc1.ref).div(np.sqrt(v2[name].ref.div(bc2.ref)).add(o.eps));
        return w.mul(1 - o.lr * o.weightDecay).sub(update.mul(o.lr));
      });
      bc1.dispose();
      bc2.dispose();
      return [value, p2, m2, v2] as [np.Array, Params, Params, Params];
    },
  );

  let params: Params = {};
  let m: Params = {};
  let v: Params = {};
  for (const [name, h] of spec.weights) {
    params[name] = toJax(h);
    m[name] = np.zeros([...h.shape]);
    v[name] = np.zeros([...h.shape]);
  }
  const idx = np.array(batch.idx, { shape: [B * T], dtype: np.int32 });
  const targets = np.array(batch.targets, { shape: [B * T], dtype: np.int32 });
  const mask = jaxCausalMaskBias(T);
  let t = 0;

  return {
    step: async () => {
      t += 1;
      const bc1 = np.array([1 - o.beta1 ** t]).reshape([]);
      const bc2 = np.array([1 - o.beta2 ** t]).reshape([]);
      const [value, p2, m2, v2] = trainStep(params, m, v, idx.ref, targets.ref, mask.ref, bc1, bc2);
      [params, m, v] = [p2, m2, v2];
      await blockUntilReady([value, params, m, v]);
      return value.item();
    },
    dispose: () => {
      for (const tree of [params, m, v]) for (const x of Object.values(tree)) x.dispose();
      for (const x of [idx, targets, mask]) x.dispose();
      trainStep.dispose();
    },
  };
}
