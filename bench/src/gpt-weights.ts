import { randnHost, SeededRandom } from './data.js';
import type { AdamWConfig, GptBatch, GptConfig, GptSpec, GptWeights, HostTensor } from './peers/peer.js';

/** The tiny GPT of the train-step benchmark. */
export const TINY_GPT: GptConfig = {
  vocabSize: 65,
  contextLength: 64,
  dModel: 64,
  numHeads: 4,
  numLayers: 2,
  dFf: 256,
  normEps: 1e-5,
};

/** PyTorch's AdamW defaults, with a learning rate that moves a tiny model visibly. */
export const ADAMW: AdamWConfig = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };

/**
 * Parameter names and shapes in tsgrad's state-dict convention (dotted module paths,
 * Linear weights [out, in]). Peers look weights up by these names. "No bias" is about the
 * Linear layers: the LayerNorms keep their bias, as PyTorch's and tsgrad's LayerNorm do.
 */
export function gptParameterShapes(c: GptConfig): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  shapes.set('tokenEmbedding.weight', [c.vocabSize, c.dModel]);
  shapes.set('positionEmbedding.weight', [c.contextLength, c.dModel]);
  for (let i = 0; i < c.numLayers; i++) {
    const p = `blocks.${i}`;
    shapes.set(`${p}.norm1.weight`, [c.dModel]);
    shapes.set(`${p}.norm1.bias`, [c.dModel]);
    for (const proj of ['qProj', 'kProj', 'vProj', 'outProj']) {
      shapes.set(`${p}.attn.${proj}.weight`, [c.dModel, c.dModel]);
    }
    shapes.set(`${p}.norm2.weight`, [c.dModel]);
    shapes.set(`${p}.norm2.bias`, [c.dModel]);
    shapes.set(`${p}.ffn.fc1.weight`, [c.dFf, c.dModel]);
    shapes.set(`${p}.ffn.fc2.weight`, [c.dModel, c.dFf]);
  }
  shapes.set('finalNorm.weight', [c.dModel]);
  shapes.set('finalNorm.bias', [c.dModel]);
  shapes.set('lmHead.weight', [c.vocabSize, c.dModel]);
  return shapes;
}

/**
 * Seeded weights: N(0, 0.02²) for matrices (GPT-2's init), 1 + N(0, 0.1²) for norm gains and
 * N(0, 0.1²) for norm biases (not the usual 1 and 0), so a peer that swapped or ignored one
 * would produce a different first loss.
 */
export function makeGptWeights(c: GptConfig, seed: number): GptWeights {
  const rng = new SeededRandom(seed);
  const weights = new Map<string, HostTensor>();
  for (const [name, shape] of gptParameterShapes(c)) {
    const isNorm = shape.length === 1;
    const isGain = isNorm && name.endsWith('.weight');
    weights.set(name, randnHost(rng, shape, isNorm ? 0.1 : 0.02, isGain ? 1 : 0));
  }
  return weights;
}

/** A batch of random tokens; the targets are the inputs shifted by one, as in training. */
export function makeGptBatch(c: GptConfig, batch: number, seed: number): GptBatch {
  const rng = new SeededRandom(seed);
  const time = c.contextLength;
  const stream = new Int32Array(batch * (time + 1));
  for (let i = 0; i < stream.length; i++) stream[i] = rng.int(c.vocabSize);
  const idx = new Int32Array(batch * time);
  const targets = new Int32Array(batch * time);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < time; t++) {
      idx[b * time + t] = stream[b * (time + 1) + t];
      targets[b * time + t] = stream[b * (time + 1) + t + 1];
    }
  }
  return { idx, targets, batch, time };
}

/** The full train-step specification shared by every library. */
export function makeGptSpec(seed: number, batch = 16): GptSpec {
  return {
    config: TINY_GPT,
    adamw: ADAMW,
    weights: makeGptWeights(TINY_GPT, seed),
    batch: makeGptBatch(TINY_GPT, batch, seed + 1),
  };
}
