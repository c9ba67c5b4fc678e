import {
  ArgumentError,
  DTypeError,
  ShapeError,
  Tensor,
  add,
  defaultGenerator,
  fmtShape,
  noGrad,
  shapesEqual,
  type Generator,
} from '@tsgrad/core';
import { dropout } from '@tsgrad/ops';
import type { KVCache } from '../attention/index.js';
import { crossEntropy } from '../functional/cross-entropy.js';
import { Embedding } from '../layers/embedding.js';
import { initConstant_, initNormal_ } from '../layers/init.js';
import { Linear } from '../layers/linear.js';
import { Module } from '../module/module.js';
import { ModuleList } from '../module/module-list.js';
import { generateTokens, type GenerateOptions } from './generate.js';
import { TransformerBlock, makeNorm, type NormModule, type TransformerBlockOptions } from './transformer-block.js';

/** Configuration of `GPT`. */
export interface GPTConfig extends Omit<TransformerBlockOptions, 'maxSeqLen'> {
  /** Number of token ids. */
  vocabSize: number;
  /** Longest sequence the model accepts (learned position table size, RoPE table size). */
  contextLength: number;
  /** Number of transformer blocks. */
  numLayers: number;
  /** Share one matrix between tokenEmbedding and lmHead (default false). */
  tieWeights?: boolean;
}

/** What `GPT.forward` returns. */
export interface GPTOutput {
  /** `(B, T, vocabSize)`. */
  logits: Tensor;
  /** Mean cross-entropy over targets that are not -100, or null without targets. */
  loss: Tensor | null;
}

/**
 * A decoder-only transformer language model (GPT-2 style, or LLaMA style with RoPE, RMSNorm
 * and SwiGLU). Submodules: `tokenEmbedding`, `positionEmbedding` (learned positions only),
 * `blocks` (`blocks.0`, `blocks.1`, ...), `finalNorm`, `lmHead` (no bias).
 *
 * Initialised like nanoGPT from `config.generator`: linear and embedding weights N(0, 0.02),
 * biases 0, the residual output projections N(0, 0.02/√(2·numLayers)), norms 1 and 0.
 * ```ts
 * const model = new GPT({ vocabSize: 65, contextLength: 64, dModel: 64, numLayers: 2,
 *   numHeads: 4, dFf: 256, positional: 'learned', norm: 'layernorm', ffn: 'gelu',
 *   generator: new Generator(1337) });
 * const { logits, loss } = model.forward(idx, targets);   // idx, targets: (B, T) int32
 * ```
 */
export class GPT extends Module<[idx: Tensor, targets?: Tensor | null], GPTOutput> {
  /** `[vocabSize, dModel]`. */
  readonly tokenEmbedding: Embedding;
  /** `[contextLength, dModel]`, or null with RoPE. */
  readonly positionEmbedding: Embedding | null;
  /** The transformer blocks. */
  readonly blocks: ModuleList<TransformerBlock>;
  /** Norm after the last block. */
  readonly finalNorm: NormModule;
  /** `dModel → vocabSize`, no bias; its weight is tokenEmbedding's with tieWeights. */
  readonly lmHead: Linear;
  /** The configuration, defaults filled in. */
  readonly config: Readonly<Required<Omit<GPTConfig, 'generator' | 'dtype'>>> & Pick<GPTConfig, 'generator' | 'dtype'>;

  constructor(config: GPTConfig) {
    super();
    const c = checkConfig(config);
    this.config = c;
    const { dtype, generator } = c;
    this.tokenEmbedding = new Embedding(c.vocabSize, c.dModel, { dtype, generator });
    this.positionEmbedding = c.positional === 'learned' ? new Embedding(c.contextLength, c.dModel, { dtype, generator }) : null;
    const blockOptions = { ...c, maxSeqLen: c.contextLength };
    this.blocks = new ModuleList(Array.from({ length: c.numLayers }, () => new TransformerBlock(blockOptions)));
    this.finalNorm = makeNorm(c.norm, c.dModel, c.normEps, dtype);
    this.lmHead = new Linear(c.dModel, c.vocabSize, { bias: false, dtype, generator });
    this.#initWeights(generator ?? defaultGenerator);
    if (c.tieWeights) this.lmHead.weight = this.tokenEmbedding.weight;
  }

  /**
   * `idx` `(B, T)` int32 token ids, T ≤ contextLength → logits `(B, T, vocabSize)`; with
   * `targets` `(B, T)` int32 also the mean cross-entropy (targets of -100 are ignored).
   */
  override forward(idx: Tensor, targets?: Tensor | null): GPTOutput {
    this.#checkIdx('GPT.forward', idx);
    const logits = this.#run(idx, null);
    if (targets === undefined || targets === null) return { logits, loss: null };
    if (!(targets instanceof Tensor) || targets.dtype !== 'int32' || !shapesEqual(targets.shape, idx.shape)) {
      const got = targets instanceof Tensor ? `${targets.dtype} ${fmtShape(targets.shape)}` : typeof targets;
      throw new ShapeError(`GPT.forward: targets must be int32 of the idx shape ${fmtShape(idx.shape)}, got ${got}`);
    }
    const loss = crossEntropy(logits.reshape([-1, this.config.vocabSize]), targets.reshape([-1]));
    return { logits, loss };
  }

  /** One empty KV cache per block, for `forwardCached`. */
  createCaches(): KVCache[] {
    return Array.from(this.blocks, (block) => block.attn.createCache());
  }

  /**
   * Incremental decoding: logits `(B, T, vocabSize)` of `idx` `(B, T)` as the continuation of
   * the sequences held in `caches` (from `createCaches()`, filled by earlier calls), which
   * this call extends. Positions start at the cached length; the total must stay within
   * contextLength.
   */
  forwardCached(idx: Tensor, caches: readonly KVCache[]): Tensor {
    const [, t] = this.#checkIdx('GPT.forwardCached', idx);
    if (caches.length !== this.blocks.length) {
      throw new ArgumentError(`GPT.forwardCached: need one KVCache per block (${this.blocks.length}), got ${caches.length}`);
    }
    const past = caches[0]!.length;
    if (past + t > this.config.contextLength) {
      throw new ShapeError(
        `GPT.forwardCached: ${past} cached + ${t} new positions exceed contextLength ${this.config.contextLength}`,
      );
    }
    return this.#run(idx, caches);
  }

  // Embeddings → blocks → final norm → lmHead; positions continue after the cached length.
  #run(idx: Tensor, caches: readonly KVCache[] | null): Tensor {
    const t = idx.shape[1]!;
    const start = caches === null ? 0 : caches[0]!.length;
    let x = this.tokenEmbedding.forward(idx); // (B, T, dModel)
    if (this.positionEmbedding !== null) x = add(x, this.positionEmbedding.weight.slice(0, start, start + t)); // + (T, dModel)
    if (this.training && this.config.dropout > 0) x = dropout(x, this.config.dropout, { generator: this.config.generator });
    let i = 0;
    for (const block of this.blocks) x = block.forward(x, caches === null ? {} : { kvCache: caches[i++]! });
    return this.lmHead.forward(this.finalNorm.forward(x)); // (B, T, vocabSize)
  }

  /**
   * Extends `idx` `(B, T)` by `maxNewTokens` sampled tokens and returns the int32
   * `(B, T + new)` tensor. Runs under noGrad in eval mode (each module's previous mode is restored);
   * contexts longer than contextLength are cropped to the last contextLength tokens.
   * `temperature` 0 is greedy; `topK`/`topP` restrict sampling; with `stopToken`, a row that
   * emits it is padded with it until every row has, and generation stops early then.
   */
  generate(idx: Tensor, opts: GenerateOptions): Tensor {
    this.#checkIdx('GPT.generate', idx, false);
    const modes = this.modules().map((m) => [m, m.training] as const);
    this.eval();
    try {
      return noGrad(() => generateTokens(this, idx, opts));
    } finally {
      for (const [m, training] of modes) m.training = training;
    }
  }

  #checkIdx(fn: string, idx: Tensor, limit = true): [number, number] {
    if (!(idx instanceof Tensor)) throw new ArgumentError(`${fn}: idx must be a Tensor`);
    if (idx.dtype !== 'int32') throw new DTypeError(`${fn}: idx must be int32 token ids, got ${idx.dtype}`);
    if (idx.ndim !== 2) throw new ShapeError(`${fn}: idx must be (B, T), got shape ${fmtShape(idx.shape)}`);
    const [b, t] = idx.shape as [number, number];
    if (limit && t > this.config.contextLength) {
      throw new ShapeError(`${fn}: sequence length ${t} exceeds contextLength ${this.config.contextLength} (idx ${fmtShape(idx.shape)})`);
    }
    return [b, t];
  }

  // nanoGPT's init, in module order, from one generator.
  #initWeights(generator: Generator): void {
    const opts = { generator };
    const residualStd = 0.02 / Math.sqrt(2 * this.config.numLayers);
    for (const m of this.modules()) {
      if (m instanceof Linear) {
        initNormal_(m.weight, 0, 0.02, opts);
        if (m.bias !== null) initConstant_(m.bias, 0);
      } else if (m instanceof Embedding) {
        initNormal_(m.weight, 0, 0.02, opts);
      }
    }
    for (const block of this.blocks) {
      initNormal_(block.attn.outProj.weight, 0, residualStd, opts);
      const out = 'fc2' in block.ffn ? block.ffn.fc2 : block.ffn.w2;
      initNormal_(out.weight, 0, residualStd, opts);
    }
  }
}

function checkConfig(config: GPTConfig): GPT['config'] {
  const positive = ['vocabSize', 'contextLength', 'numLayers', 'dModel', 'numHeads', 'dFf'] as const;
  for (const key of positive) {
    const v = config[key];
    if (!Number.isInteger(v) || v <= 0) throw new ArgumentError(`GPT: ${key} must be a positive integer, got ${v}`);
  }
  return {
    ...config,
    numKvHeads: config.numKvHeads ?? config.numHeads,
    ropeTheta: config.ropeTheta ?? 10000,
    normEps: config.normEps ?? 1e-5,
    bias: config.bias ?? false,
    dropout: config.dropout ?? 0,
    tieWeights: config.tieWeights ?? false,
  };
}
