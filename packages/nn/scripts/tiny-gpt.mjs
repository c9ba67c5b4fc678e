// The tiny GPT (vocab 65, dModel 64, 4 heads, 2 layers, context 64, batch 16, AdamW),
// as the step scripts here build it; bench/src/gpt-weights.ts describes the same model for the
// side-by-side benchmark.
import { Generator, randint } from '@tsgrad/core';
import { AdamW, GPT } from '@tsgrad/nn';

/** The model's configuration, weights drawn from seed 1337. */
export function tinyGptConfig() {
  return {
    vocabSize: 65, contextLength: 64, dModel: 64, numLayers: 2, numHeads: 4, dFf: 256,
    positional: 'learned', norm: 'layernorm', ffn: 'gelu', bias: false, dropout: 0, generator: new Generator(1337),
  };
}

/** A fresh model in training mode and its AdamW (lr 1e-3, weight decay 0.01, PyTorch's betas and eps). */
export function tinyGptTrainer() {
  const model = new GPT(tinyGptConfig());
  model.train();
  const params = model.parameters();
  return { model, params, optimizer: new AdamW(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01 }) };
}

/** The batch every step trains on: 16 sequences of 64 tokens and their targets (seed 7). */
export function tinyGptBatch() {
  const data = new Generator(7);
  const idx = randint(0, 65, [16, 64], { generator: data });
  const targets = randint(0, 65, [16, 64], { generator: data });
  return { idx, targets };
}
