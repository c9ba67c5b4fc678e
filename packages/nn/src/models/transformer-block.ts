import { ArgumentError, add, type FloatDType, type Generator, type Tensor } from '@tsgrad/core';
import { dropout } from '@tsgrad/ops';
import { MultiHeadSelfAttention, type KVCache } from '../attention/index.js';
import { LayerNorm } from '../layers/layer-norm.js';
import { MLP } from '../layers/mlp.js';
import { RMSNorm } from '../layers/rms-norm.js';
import { SwiGLU } from '../layers/swiglu.js';
import { Module } from '../module/module.js';

/** Options of `TransformerBlock` (a GPT config minus vocabSize/contextLength/numLayers). */
export interface TransformerBlockOptions {
  /** Width of the residual stream. */
  dModel: number;
  /** Query heads; dModel must divide by it. */
  numHeads: number;
  /** Key/value heads for grouped-query attention (default numHeads); numHeads must divide by it. */
  numKvHeads?: number;
  /** Hidden width of the feed-forward block. */
  dFf: number;
  /** 'rope' rotates queries and keys inside attention; 'learned' leaves positions to the model. */
  positional: 'learned' | 'rope';
  /** RoPE base (default 10000). */
  ropeTheta?: number;
  /** Longest sequence RoPE tables cover (default 2048; GPT passes its contextLength). */
  maxSeqLen?: number;
  /** Normalisation before attention and before the feed-forward block. */
  norm: 'layernorm' | 'rmsnorm';
  /** Norm epsilon (default 1e-5). */
  normEps?: number;
  /** 'gelu': MLP (fc1, fc2); 'swiglu': SwiGLU (w1, w2, w3). */
  ffn: 'gelu' | 'swiglu';
  /** Biases on every linear layer (default false). LayerNorm always has one. */
  bias?: boolean;
  /** Dropout probability on attention weights and on both residual branches (default 0). */
  dropout?: number;
  /** Parameter dtype (default float32). */
  dtype?: FloatDType;
  /** Source of randomness for initial weights and dropout masks. */
  generator?: Generator;
}

/** Options of `TransformerBlock.forward`. */
export interface TransformerBlockForwardOptions {
  /** Continue the sequences cached here (incremental decoding); see `MultiHeadSelfAttention`. */
  kvCache?: KVCache;
}

/** A normalisation module as the block and GPT use it. */
export type NormModule = LayerNorm | RMSNorm;

/** Builds the configured norm over `dModel`. */
export function makeNorm(kind: string, dModel: number, eps: number, dtype: FloatDType | undefined): NormModule {
  if (kind === 'layernorm') return new LayerNorm(dModel, { eps, dtype });
  if (kind === 'rmsnorm') return new RMSNorm(dModel, { eps, dtype });
  throw new ArgumentError(`TransformerBlock: norm must be 'layernorm' or 'rmsnorm', got '${kind}'`);
}

/**
 * A pre-norm transformer block: `x = x + attn(norm1(x)); x = x + ffn(norm2(x))`, with causal
 * multi-head self-attention (optionally RoPE and grouped-query heads) and an MLP or SwiGLU
 * feed-forward block. `(B, T, dModel) → (B, T, dModel)`.
 */
export class TransformerBlock extends Module<[x: Tensor, opts?: TransformerBlockForwardOptions]> {
  /** Norm before attention. */
  readonly norm1: NormModule;
  /** Causal self-attention. */
  readonly attn: MultiHeadSelfAttention;
  /** Norm before the feed-forward block. */
  readonly norm2: NormModule;
  /** Feed-forward block. */
  readonly ffn: MLP | SwiGLU;
  /** Dropout probability on each branch's output (and, inside attention, on its weights). */
  readonly dropout: number;
  readonly #generator: Generator | undefined;

  constructor(opts: TransformerBlockOptions) {
    super();
    const { dModel, dFf, dtype, generator } = opts;
    const bias = opts.bias ?? false;
    const eps = opts.normEps ?? 1e-5;
    this.dropout = opts.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout < 1)) {
      throw new ArgumentError(`TransformerBlock: dropout must be in [0, 1), got ${this.dropout}`);
    }
    if (opts.positional !== 'learned' && opts.positional !== 'rope') {
      throw new ArgumentError(`TransformerBlock: positional must be 'learned' or 'rope', got '${String(opts.positional)}'`);
    }
    this.#generator = generator;
    this.norm1 = makeNorm(opts.norm, dModel, eps, dtype);
    this.attn = new MultiHeadSelfAttention({
      dModel,
      numHeads: opts.numHeads,
      numKvHeads: opts.numKvHeads ?? opts.numHeads,
      causal: true,
      bias,
      dropout: this.dropout,
      rope: opts.positional === 'rope' ? { theta: opts.ropeTheta ?? 10000, maxSeqLen: opts.maxSeqLen ?? 2048 } : undefined,
      dtype,
      generator,
    });
    this.norm2 = makeNorm(opts.norm, dModel, eps, dtype);
    if (opts.ffn === 'gelu') this.ffn = new MLP(dModel, dFf, { bias, dtype, generator });
    else if (opts.ffn === 'swiglu') this.ffn = new SwiGLU(dModel, dFf, { bias, dtype, generator });
    else throw new ArgumentError(`TransformerBlock: ffn must be 'gelu' or 'swiglu', got '${String(opts.ffn)}'`);
  }

  /** `(B, T, dModel) → (B, T, dModel)`; with a KV cache, T new tokens after the cached ones. */
  override forward(x: Tensor, opts: TransformerBlockForwardOptions = {}): Tensor {
    const attended = this.attn.forward(this.norm1.forward(x), opts.kvCache ? { kvCache: opts.kvCache } : {});
    const h = add(x, this.#residualDropout(attended));
    return add(h, this.#residualDropout(this.ffn.forward(this.norm2.forward(h))));
  }

  // nanoGPT's residual dropout on each branch's output (attention also drops its weights).
  #residualDropout(y: Tensor): Tensor {
    return this.training && this.dropout > 0 ? dropout(y, this.dropout, { generator: this.#generator }) : y;
  }
}
