import { ArgumentError, DTypeError, Tensor, fmtShape, isGradEnabled, mul, tensor, zeros, type DType, type FloatDType, type Generator } from '@tsgrad/core';
import { indexSelect } from '@tsgrad/ops';
import { Module } from '../module/module.js';
import { parameter } from '../module/parameter.js';
import { initNormal_ } from './init.js';
import { checkSize } from './linear.js';

/** Options of `Embedding`. */
export interface EmbeddingOptions {
  /** A row that starts at zero and never receives gradient (negative counts from the end). */
  paddingIdx?: number;
  /** Parameter dtype (default float32). */
  dtype?: FloatDType;
  /** Source of randomness for the initial weights. */
  generator?: Generator;
}

/**
 * A lookup table of `numEmbeddings` vectors of size `embeddingDim`: int32 indices of any
 * shape `(...)` give `(..., embeddingDim)`. `weight` is `[numEmbeddings, embeddingDim]`,
 * initialised N(0, 1) as in PyTorch.
 */
export class Embedding extends Module {
  /** `[numEmbeddings, embeddingDim]`. */
  weight: Tensor;
  /** The padding row (normalised to be non-negative), or null. */
  readonly paddingIdx: number | null;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    opts: EmbeddingOptions = {},
  ) {
    super();
    checkSize('Embedding', 'numEmbeddings', numEmbeddings);
    checkSize('Embedding', 'embeddingDim', embeddingDim);
    const pad = opts.paddingIdx;
    if (pad !== undefined && (!Number.isInteger(pad) || pad < -numEmbeddings || pad >= numEmbeddings)) {
      throw new ArgumentError(`Embedding: paddingIdx ${pad} is out of range for ${numEmbeddings} embeddings`);
    }
    this.paddingIdx = pad === undefined ? null : pad < 0 ? pad + numEmbeddings : pad;
    const weight = initNormal_(zeros([numEmbeddings, embeddingDim], { dtype: opts.dtype ?? 'float32' }), 0, 1, {
      generator: opts.generator,
    });
    if (this.paddingIdx !== null) weight.storage.data.fill(0, this.paddingIdx * embeddingDim, (this.paddingIdx + 1) * embeddingDim);
    this.weight = parameter(weight);
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx === null ? '' : `, paddingIdx=${this.paddingIdx}`}`;
  }

  /** int32 indices `(...)` → `(..., embeddingDim)`. */
  override forward(indices: Tensor): Tensor {
    checkIndices('Embedding', indices, this.numEmbeddings);
    const flat = indices.ndim === 1 ? indices : indices.reshape([-1]);
    const rows = indexSelect(this.weight, 0, flat);
    const out = indices.ndim === 1 ? rows : rows.reshape([...indices.shape, this.embeddingDim]);
    if (this.paddingIdx !== null && isGradEnabled() && out.requiresGrad) {
      // The padding row's lookups still return its value but pass no gradient back to it.
      const keep = paddingKeepMask(indices, this.paddingIdx, out.dtype);
      out.registerHook((g) => mul(g, keep));
    }
    return out;
  }
}

/** Throws unless `indices` is int32 with every value in [0, size). */
export function checkIndices(fn: string, indices: Tensor, size: number): void {
  if (!(indices instanceof Tensor)) throw new ArgumentError(`${fn}: indices must be a Tensor`);
  if (indices.dtype !== 'int32') throw new DTypeError(`${fn}: indices must be int32, got ${indices.dtype} of shape ${fmtShape(indices.shape)}`);
  const values = indices.toTypedArray();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0 || v >= size) {
      throw new ArgumentError(`${fn}: index ${v} (flat position ${i} of indices ${fmtShape(indices.shape)}) is out of range for ${size} embeddings`);
    }
  }
}

/** `(..., 1)` of 0 where the index is the padding row, 1 elsewhere. */
function paddingKeepMask(indices: Tensor, paddingIdx: number, dtype: DType): Tensor {
  const values = indices.toTypedArray();
  const keep = Array.from(values, (v) => (v === paddingIdx ? 0 : 1));
  return tensor(keep, { dtype, shape: [...indices.shape, 1] });
}
