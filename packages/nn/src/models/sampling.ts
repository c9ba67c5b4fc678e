import { ArgumentError, type Generator, type TypedArray } from '@tsgrad/core';

/** How the next token is drawn from a row of logits. */
export interface SamplingOptions {
  /** Divides the logits; 0 means greedy (argmax). Default 1. */
  temperature?: number;
  /** Keep only the k most likely tokens. */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p (nucleus sampling). */
  topP?: number;
}

/** Throws on sampling options out of range. */
export function checkSamplingOptions(fn: string, opts: SamplingOptions): void {
  const { temperature = 1, topK, topP } = opts;
  if (!(temperature >= 0) || !Number.isFinite(temperature)) {
    throw new ArgumentError(`${fn}: temperature must be a finite number >= 0, got ${temperature}`);
  }
  if (topK !== undefined && (!Number.isInteger(topK) || topK < 1)) {
    throw new ArgumentError(`${fn}: topK must be a positive integer, got ${topK}`);
  }
  if (topP !== undefined && !(topP > 0 && topP <= 1)) throw new ArgumentError(`${fn}: topP must be in (0, 1], got ${topP}`);
}

/**
 * Draws a token id from `logits[offset .. offset + vocab)`: greedy at temperature 0,
 * otherwise softmax(logits / temperature) restricted by topK and then topP. Ties in the
 * greedy case go to the lowest id.
 */
export function sampleToken(
  logits: TypedArray,
  offset: number,
  vocab: number,
  opts: SamplingOptions,
  generator: Generator,
): number {
  const temperature = opts.temperature ?? 1;
  if (temperature === 0) {
    let best = 0;
    for (let v = 1; v < vocab; v++) if (logits[offset + v]! > logits[offset + best]!) best = v;
    return best;
  }
  // Candidates by decreasing logit (stable, so equal logits keep id order).
  const order = Array.from({ length: vocab }, (_, v) => v).sort((a, b) => logits[offset + b]! - logits[offset + a]! || a - b);
  const keep = Math.min(vocab, opts.topK ?? vocab);
  const max = logits[offset + order[0]!]!;
  const probs = new Float64Array(keep);
  let total = 0;
  for (let i = 0; i < keep; i++) {
    probs[i] = Math.exp((logits[offset + order[i]!]! - max) / temperature);
    total += probs[i]!;
  }
  let count = keep;
  if (opts.topP !== undefined) {
    let cumulative = 0;
    for (let i = 0; i < keep; i++) {
      cumulative += probs[i]! / total;
      if (cumulative >= opts.topP) {
        count = i + 1;
        break;
      }
    }
    total = 0;
    for (let i = 0; i < count; i++) total += probs[i]!;
  }
  let u = generator.random() * total;
  for (let i = 0; i < count; i++) {
    u -= probs[i]!;
    if (u < 0) return order[i]!;
  }
  return order[count - 1]!;
}
