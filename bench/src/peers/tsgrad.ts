import { tensor, type Tensor } from '@tsgrad/core';
import { matmul, transpose } from '@tsgrad/ops';
import { AdamW, GPT, scaledDotProductAttention } from '@tsgrad/nn';
import type { AttentionSpec, GptSpec, GptTrainer, HostTensor, MatmulSpec, Peer, Runner } from './peer.js';

// tsgrad through its public API only. tsgrad computes eagerly and synchronously, so a
// returned tensor is complete; its typed arrays are freed by the garbage collector, which is
// why the runners force nothing and dispose nothing.

/** Throws a clear error when a feature the benchmark needs is not exported (yet). */
function need<T>(value: T, what: string): NonNullable<T> {
  if (value === undefined || value === null) throw new Error(`tsgrad: ${what} is not available`);
  return value as NonNullable<T>;
}

function toTs(h: HostTensor, requiresGrad = false): Tensor {
  return tensor(h.data, { shape: [...h.shape], requiresGrad });
}

function lastTwoSwapped(x: Tensor): Tensor {
  return transpose(x, x.ndim - 2, x.ndim - 1);
}

/** A runner of `matmul(op(a), op(b))`. */
export function tsgradMatmulRunner(spec: MatmulSpec): Runner {
  const mm = need(matmul, '@tsgrad/ops matmul()');
  // Transposed operands are views (no copy), as autograd's backward produces them.
  const a = spec.transA ? lastTwoSwapped(toTs(spec.a)) : toTs(spec.a);
  const b = spec.transB ? lastTwoSwapped(toTs(spec.b)) : toTs(spec.b);
  return { run: () => void mm(a, b), dispose: () => undefined };
}

/** A runner of causal `scaledDotProductAttention` forward + backward(dOut). */
export function tsgradAttentionRunner(spec: AttentionSpec): Runner {
  const sdpa = need(scaledDotProductAttention, '@tsgrad/nn scaledDotProductAttention()');
  const [q, k, v] = [spec.q, spec.k, spec.v].map((h) => toTs(h, true));
  const dOut = toTs(spec.dOut);
  return {
    run: () => {
      for (const x of [q, k, v]) x.grad = null;
      const out = sdpa(q, k, v, { isCausal: true });
      out.backward(dOut);
      if (!q.grad || !k.grad || !v.grad) throw new Error('tsgrad: attention backward left a gradient unset');
    },
    dispose: () => undefined,
  };
}

/** Our weights under the model's own state-dict names, refusing any name mismatch. */
function benchStateDict(model: GPT, spec: GptSpec): Map<string, Tensor> {
  const names = Object.keys(model.stateDict());
  const extra = [...spec.weights.keys()].filter((n) => !names.includes(n));
  const missing = names.filter((n) => !spec.weights.has(n));
  if (extra.length > 0 || missing.length > 0) {
    throw new Error(
      `tsgrad: GPT state dict differs from the benchmark's: only in GPT [${missing.join(', ')}], only in the benchmark [${extra.join(', ')}]`,
    );
  }
  return new Map(names.map((n) => [n, toTs(spec.weights.get(n)!)]));
}

/** A GPT trainer that can also run forward + backward alone, leaving the weights untouched. */
export interface TsgradGptTrainer extends GptTrainer {
  /** Forward, loss and backward without an optimizer step (the next step zeroes the gradients). */
  forwardBackward(): void;
}

/** A tsgrad GPT with the benchmark's weights, trained by AdamW on the benchmark's batch. */
export function tsgradGptTrainer(spec: GptSpec): TsgradGptTrainer {
  const { config: c, adamw: o, batch } = spec;
  const model = new (need(GPT, '@tsgrad/nn GPT'))({
    vocabSize: c.vocabSize,
    contextLength: c.contextLength,
    dModel: c.dModel,
    numLayers: c.numLayers,
    numHeads: c.numHeads,
    dFf: c.dFf,
    positional: 'learned',
    norm: 'layernorm',
    normEps: c.normEps,
    ffn: 'gelu',
    bias: false,
    dropout: 0,
    tieWeights: false,
  });
  model.loadStateDict(benchStateDict(model, spec), { strict: true });
  model.train();
  const opt = new (need(AdamW, '@tsgrad/nn AdamW'))(model.parameters(), {
    lr: o.lr,
    betas: [o.beta1, o.beta2],
    eps: o.eps,
    weightDecay: o.weightDecay,
  });
  const shape = [batch.batch, batch.time];
  const idx = tensor(batch.idx, { shape, dtype: 'int32' });
  const targets = tensor(batch.targets, { shape, dtype: 'int32' });
  const lossOf = (): Tensor => {
    const { loss } = model.forward(idx, targets);
    if (!loss) throw new Error('tsgrad: GPT.forward(idx, targets) returned no loss');
    return loss;
  };
  return {
    step: () => {
      const loss = lossOf();
      opt.zeroGrad();
      loss.backward();
      opt.step();
      return loss.item();
    },
    forwardBackward: () => lossOf().backward(),
    dispose: () => undefined,
  };
}

/** The tsgrad peer. */
export function tsgradPeer(): Peer {
  return {
    name: 'tsgrad',
    description: 'tsgrad (this repository), eager, single thread',
    matmul: tsgradMatmulRunner,
    attention: tsgradAttentionRunner,
    gptTrainer: tsgradGptTrainer,
  };
}

/** Forward and backward as separate calls, for the memory benchmark. */
export interface AttentionSteps {
  forward(): void;
  backward(): void;
  /** Drops the graph and gradients so the next forward starts clean. */
  reset(): void;
}

/** tsgrad's scaledDotProductAttention split into forward and backward. */
export function tsgradAttentionSteps(spec: AttentionSpec, isCausal: boolean): AttentionSteps {
  const sdpa = need(scaledDotProductAttention, '@tsgrad/nn scaledDotProductAttention()');
  const [q, k, v] = [spec.q, spec.k, spec.v].map((h) => toTs(h, true));
  const dOut = toTs(spec.dOut);
  let out: Tensor | null = null;
  return {
    forward: () => {
      out = sdpa(q, k, v, { isCausal });
    },
    backward: () => {
      if (!out) throw new Error('tsgrad memory probe: backward before forward');
      out.backward(dOut);
    },
    reset: () => {
      out = null;
      for (const x of [q, k, v]) x.grad = null;
    },
  };
}
