import {
  ArgumentError,
  ShapeError,
  Tensor,
  fmtShape,
  ones,
  reshape,
  transpose,
  type FloatDType,
  type Generator,
} from '@tsgrad/core';
import { logicalAnd, tril, where } from '@tsgrad/ops';
import { Linear } from '../layers/linear.js';
import { Module } from '../module/module.js';
import { KVCache } from './kv-cache.js';
import { isTensor, rope } from './rope.js';
import { scaledDotProductAttention } from './scaled-dot-product-attention.js';
import type { AttentionWithWeights } from './sdpa-options.js';

const NAME = 'MultiHeadSelfAttention';

/** Rotary position embedding settings of `MultiHeadSelfAttention`. */
export interface MhsaRopeOptions {
  /** Frequency base (10000 in most models). */
  theta: number;
  /** Positions must lie below this; the cos/sin tables have this many rows. */
  maxSeqLen: number;
}

/** Options of `MultiHeadSelfAttention`. */
export interface MultiHeadSelfAttentionOptions {
  /** Embedding size of the input and output tokens (PyTorch's `embed_dim`). */
  dModel: number;
  /** Query heads; divides dModel, each head gets dModel / numHeads features. */
  numHeads: number;
  /** Key/value heads (grouped-query attention); divides numHeads (default numHeads). */
  numKvHeads?: number;
  /** Causal self-attention: a token sees itself and the tokens before it (default true). */
  causal?: boolean;
  /** Biases on the four projections (default false). */
  bias?: boolean;
  /** Dropout on the attention weights while training (default 0). */
  dropout?: number;
  /** Rotate queries and keys by RoPE after the head split (default: no RoPE). */
  rope?: MhsaRopeOptions;
  /** Source of randomness for the initial weights and the attention dropout. */
  generator?: Generator;
  /** Parameter dtype (default float32). */
  dtype?: FloatDType;
}

/** Options of `MultiHeadSelfAttention.forward`. */
export interface MhsaForwardOptions {
  /** Bool (true = may attend) or float (added) mask broadcasting to (B, H, T, S); combines with `causal`. */
  attnMask?: Tensor | null;
  /** RoPE positions of the T tokens: number[] or int32 (T,) or (B, T); default cache length + 0..T−1. */
  positions?: Tensor | readonly number[];
  /** Appends this call's keys and values and attends over everything cached. */
  kvCache?: KVCache;
  /** Also return the per-head attention weights (B, H, T, S). */
  returnWeights?: boolean;
}

/**
 * Multi-head self-attention with optional grouped-query heads, RoPE and a KV cache.
 * `qProj` maps dModel → numHeads·dHead, `kProj`/`vProj` dModel → numKvHeads·dHead, `outProj`
 * dModel → dModel (all `Linear`, weights [out, in]); head h uses output rows
 * [h·dHead, (h+1)·dHead) of each projection, so the weights map onto PyTorch's layout.
 * ```ts
 * const attn = new MultiHeadSelfAttention({ dModel: 64, numHeads: 4, rope: { theta: 10000, maxSeqLen: 256 } });
 * const y = attn.forward(x); // x (B, T, 64) → (B, T, 64)
 * ```
 */
export class MultiHeadSelfAttention extends Module<[x: Tensor, opts?: MhsaForwardOptions], Tensor | AttentionWithWeights> {
  /** Embedding size of the input and output tokens. */
  readonly dModel: number;
  /** Query heads. */
  readonly numHeads: number;
  /** Key/value heads; numHeads / numKvHeads query heads share each (grouped-query attention). */
  readonly numKvHeads: number;
  /** Features per head: dModel / numHeads. */
  readonly headDim: number;
  /** Whether each token attends only to itself and earlier tokens. */
  readonly causal: boolean;
  /** Drop probability of the attention weights, applied only in training mode. */
  readonly dropout: number;
  /** RoPE settings applied to queries and keys, or null when positions are not rotated. */
  readonly rope: Readonly<MhsaRopeOptions> | null;
  /** Query projection, weight (numHeads · headDim, dModel). */
  qProj: Linear;
  /** Key projection, weight (numKvHeads · headDim, dModel). */
  kProj: Linear;
  /** Value projection, weight (numKvHeads · headDim, dModel). */
  vProj: Linear;
  /** Output projection merging the heads, weight (dModel, dModel). */
  outProj: Linear;
  readonly #generator: Generator | undefined;

  constructor(opts: MultiHeadSelfAttentionOptions) {
    super();
    const { dModel, numHeads, numKvHeads = numHeads, causal = true, bias = false, dropout = 0, rope: ropeOpts, generator, dtype } = opts;
    for (const [name, value] of [['dModel', dModel], ['numHeads', numHeads], ['numKvHeads', numKvHeads]] as const) {
      if (!Number.isInteger(value) || value < 1) throw new ArgumentError(`${NAME}: ${name} must be a positive integer, got ${value}`);
    }
    if (dModel % numHeads !== 0) throw new ArgumentError(`${NAME}: dModel (${dModel}) must be divisible by numHeads (${numHeads})`);
    if (numHeads % numKvHeads !== 0) {
      throw new ArgumentError(`${NAME}: numHeads (${numHeads}) must be divisible by numKvHeads (${numKvHeads})`);
    }
    if (!(dropout >= 0 && dropout < 1)) throw new ArgumentError(`${NAME}: dropout must lie in [0, 1), got ${dropout}`);
    this.dModel = dModel;
    this.numHeads = numHeads;
    this.numKvHeads = numKvHeads;
    this.headDim = dModel / numHeads;
    this.causal = causal;
    this.dropout = dropout;
    this.rope = ropeOpts === undefined ? null : checkRope(ropeOpts, this.headDim);
    this.#generator = generator;
    const linear = { bias, generator, dtype };
    this.qProj = new Linear(dModel, numHeads * this.headDim, linear);
    this.kProj = new Linear(dModel, numKvHeads * this.headDim, linear);
    this.vProj = new Linear(dModel, numKvHeads * this.headDim, linear);
    this.outProj = new Linear(dModel, dModel, linear);
  }

  /** An empty KV cache for incremental decoding with this module. */
  createCache(): KVCache {
    return new KVCache();
  }

  /**
   * `x (B, T, dModel) → (B, T, dModel)`, or `{ output, weights (B, H, T, S) }` with
   * `returnWeights`. With a KV cache, S = cached + T and causal masking is aligned
   * bottom-right: the token at absolute position p sees keys 0..p, so decoding token by
   * token gives the full forward's outputs.
   */
  override forward(x: Tensor, opts: MhsaForwardOptions & { returnWeights: true }): AttentionWithWeights;
  override forward(x: Tensor, opts?: MhsaForwardOptions & { returnWeights?: false }): Tensor;
  override forward(x: Tensor, opts?: MhsaForwardOptions): Tensor | AttentionWithWeights;
  override forward(x: Tensor, opts: MhsaForwardOptions = {}): Tensor | AttentionWithWeights {
    if (!(x instanceof Tensor) || x.ndim !== 3 || x.shape[2] !== this.dModel) {
      const got = x instanceof Tensor ? fmtShape(x.shape) : typeof x;
      throw new ShapeError(`${NAME}: x must be (B, T, dModel=${this.dModel}), got ${got}`);
    }
    const [B, T] = x.shape as [number, number, number];
    const { numHeads: H, numKvHeads: Hkv, headDim: dh } = this;
    const cache = opts.kvCache;
    const past = cache?.length ?? 0;
    let q = transpose(reshape(this.qProj.forward(x), [B, T, H, dh]), 1, 2); // (B, H, T, dh)
    let k = transpose(reshape(this.kProj.forward(x), [B, T, Hkv, dh]), 1, 2); // (B, Hkv, T, dh)
    let v = transpose(reshape(this.vProj.forward(x), [B, T, Hkv, dh]), 1, 2); // (B, Hkv, T, dh)
    if (this.rope !== null) {
      const positions = opts.positions ?? Array.from({ length: T }, (_, t) => past + t);
      checkPositions(positions, this.rope.maxSeqLen);
      const ropeOpts = { theta: this.rope.theta, maxSeqLen: this.rope.maxSeqLen };
      q = rope(q, positions, ropeOpts);
      k = rope(k, positions, ropeOpts);
    }
    if (cache !== undefined) ({ key: k, value: v } = cache.append(k, v)); // (B, Hkv, S, dh)
    // Without cached keys L = S and top-left causal alignment is the right one; with them
    // the queries are the last T of S positions, so the triangle shifts by `past`.
    const shifted = this.causal && past > 0;
    const attnMask = shifted ? withDecodeCausal(opts.attnMask ?? null, T, past + T, past) : opts.attnMask ?? null;
    const sdpaOpts = {
      attnMask,
      isCausal: this.causal && !shifted,
      dropoutP: this.training ? this.dropout : 0,
      enableGqa: Hkv !== H,
      generator: this.#generator,
    };
    const finish = (attended: Tensor) => this.outProj.forward(reshape(transpose(attended, 1, 2), [B, T, this.dModel])); // (B, T, dModel)
    if (!opts.returnWeights) return finish(scaledDotProductAttention(q, k, v, sdpaOpts));
    const { output, weights } = scaledDotProductAttention(q, k, v, { ...sdpaOpts, returnWeights: true });
    return { output: finish(output), weights };
  }
}

/** Query i (absolute position past + i) may attend to key j ≤ past + i, and-ed with `mask`. */
function withDecodeCausal(mask: Tensor | null, T: number, S: number, past: number): Tensor {
  const allowed = tril(ones([T, S], { dtype: 'bool' }), past); // (T, S)
  if (mask === null) return allowed;
  return mask.dtype === 'bool' ? logicalAnd(mask, allowed) : where(allowed, mask, -Infinity);
}

function checkRope(opts: MhsaRopeOptions, headDim: number): MhsaRopeOptions {
  const { theta, maxSeqLen } = opts;
  if (headDim % 2 !== 0) throw new ArgumentError(`${NAME}: RoPE needs an even head size, got dModel / numHeads = ${headDim}`);
  if (!(theta > 0 && Number.isFinite(theta))) throw new ArgumentError(`${NAME}: rope.theta must be a positive number, got ${theta}`);
  if (!Number.isInteger(maxSeqLen) || maxSeqLen < 1) {
    throw new ArgumentError(`${NAME}: rope.maxSeqLen must be a positive integer, got ${maxSeqLen}`);
  }
  return { theta, maxSeqLen };
}

function checkPositions(positions: Tensor | readonly number[], maxSeqLen: number): void {
  const values = isTensor(positions) ? positions.toTypedArray() : positions;
  let max = -1;
  for (const p of values) max = Math.max(max, p);
  if (max >= maxSeqLen) {
    throw new ArgumentError(`${NAME}: position ${max} is beyond rope.maxSeqLen ${maxSeqLen} (positions must be < maxSeqLen)`);
  }
}
