import { ArgumentError, Tensor, defaultGenerator, type Generator } from '@tsgrad/core';
import { checkSamplingOptions, sampleToken, type SamplingOptions } from './sampling.js';
import type { KVCache } from '../attention/index.js';
import type { GPT } from './gpt.js';

/** Options of `GPT.generate`. */
export interface GenerateOptions extends SamplingOptions {
  /** Number of tokens to append. */
  maxNewTokens: number;
  /** Source of randomness for sampling (default: the global generator). */
  generator?: Generator;
  /** Token id that ends a row; generation stops once every row has emitted it. */
  stopToken?: number;
  /**
   * Decode with the attention KV caches (default true): each step then runs one token
   * through the model instead of the whole context. Results are the same either way.
   */
  useCache?: boolean;
}

/** The sampling loop behind `GPT.generate` (called under noGrad in eval mode). */
export function generateTokens(model: GPT, idx: Tensor, opts: GenerateOptions): Tensor {
  const { maxNewTokens, stopToken } = opts;
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 0) {
    throw new ArgumentError(`GPT.generate: maxNewTokens must be a non-negative integer, got ${maxNewTokens}`);
  }
  checkSamplingOptions('GPT.generate', opts);
  const { vocabSize, contextLength } = model.config;
  if (stopToken !== undefined && (!Number.isInteger(stopToken) || stopToken < 0 || stopToken >= vocabSize)) {
    throw new ArgumentError(`GPT.generate: stopToken must be a token id in [0, ${vocabSize}), got ${stopToken}`);
  }
  const generator = opts.generator ?? defaultGenerator;
  const [batch, start] = idx.shape as [number, number];
  if (start === 0) throw new ArgumentError('GPT.generate: idx must hold at least one token per row');
  const rows: number[][] = [];
  const flat = idx.toTypedArray();
  for (let b = 0; b < batch; b++) rows.push(Array.from(flat.subarray(b * start, (b + 1) * start)));
  const done = new Array<boolean>(batch).fill(false);
  let caches: KVCache[] | null = null;
  for (let step = 0; step < maxNewTokens && !done.every(Boolean); step++) {
    const length = rows[0]!.length;
    let logits: Tensor;
    if (caches !== null && length <= contextLength) {
      logits = model.forwardCached(tokens(rows, length - 1), caches); // (B, 1, V)
    } else {
      // First step, or the context outgrew contextLength: run the last contextLength tokens
      // afresh (positions restart, as without a cache), caching only while they still fit.
      const from = Math.max(0, length - contextLength);
      caches = opts.useCache === false || length >= contextLength ? null : model.createCaches();
      logits = caches === null ? model.forward(tokens(rows, from)).logits : model.forwardCached(tokens(rows, from), caches);
    }
    const last = logits.slice(1, -1).contiguous(); // (B, 1, V)
    const data = last.storage.data;
    for (let b = 0; b < batch; b++) {
      const token = done[b] ? stopToken! : sampleToken(data, last.offset + b * vocabSize, vocabSize, opts, generator);
      rows[b]!.push(token);
      if (token === stopToken) done[b] = true;
    }
  }
  return Tensor.fromData(Int32Array.from(rows.flat()), [batch, rows[0]!.length]);
}

/** The tokens of every row from position `from` on, as a (B, T) int32 tensor. */
function tokens(rows: readonly number[][], from: number): Tensor {
  const t = rows[0]!.length - from;
  return Tensor.fromData(Int32Array.from(rows.flatMap((r) => r.slice(from))), [rows.length, t]);
}
