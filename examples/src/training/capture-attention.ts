import { Tensor, noGrad } from '@tsgrad/core';
import type { AttentionWithWeights, GPT, MhsaForwardOptions } from '@tsgrad/nn';

/** Attention weights of one forward pass: `[layer][head][query][key]`. */
export type AttentionWeights = number[][][][];

type AttnForward = (x: Tensor, opts?: MhsaForwardOptions) => Tensor | AttentionWithWeights;

/**
 * Runs the model on one sequence and records every block's attention weights. Each block's
 * attention module is asked for its weights (`returnWeights`) for the duration of this one
 * forward pass, so the weights are those of the real forward path, not a re-derivation.
 */
export function captureAttention(model: GPT, ids: readonly number[]): AttentionWeights {
  const captured: Tensor[] = [];
  const attns = [...model.blocks].map((block) => block.attn);
  const patched = attns.map((attn) => {
    const original = attn.forward.bind(attn) as AttnForward;
    const forward: AttnForward = (x, opts = {}) => {
      const { output, weights } = original(x, { ...opts, returnWeights: true }) as AttentionWithWeights;
      captured.push(weights);
      return output;
    };
    (attn as unknown as { forward: AttnForward }).forward = forward;
    return attn;
  });
  const wasTraining = model.training;
  try {
    model.eval();
    noGrad(() => model.forward(Tensor.fromData(Int32Array.from(ids), [1, ids.length])));
  } finally {
    for (const attn of patched) delete (attn as unknown as { forward?: AttnForward }).forward;
    model.train(wasTraining);
  }
  return captured.map((w) => (w.toArray() as number[][][][])[0]!);
}
