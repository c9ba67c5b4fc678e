import { ArgumentError, ShapeError, Tensor, fmtShape } from '@tsgrad/core';
import { cat } from '@tsgrad/ops';

/**
 * Keys and values of the tokens seen so far, for incremental decoding with
 * `MultiHeadSelfAttention`: each forward appends its (B, Hkv, T, dHead) keys and values
 * (after RoPE) and attends over everything cached. One cache per sequence batch and layer;
 * `reset()` starts over.
 * ```ts
 * const cache = attn.createCache();
 * for (const token of tokens) y = attn.forward(embed(token), { kvCache: cache }); // (B, 1, dModel)
 * ```
 */
export class KVCache {
  #key: Tensor | null = null;
  #value: Tensor | null = null;

  /** Number of cached positions (S so far). */
  get length(): number {
    return this.#key === null ? 0 : this.#key.shape[2]!;
  }

  /** Cached keys (B, Hkv, S, dHead), or null while empty. */
  get key(): Tensor | null {
    return this.#key;
  }

  /** Cached values (B, Hkv, S, dHead), or null while empty. */
  get value(): Tensor | null {
    return this.#value;
  }

  /**
   * Appends `key` and `value` (B, Hkv, T, dHead) along the sequence dim and returns the whole
   * cache. Batch, heads and head size must match what is cached.
   */
  append(key: Tensor, value: Tensor): { key: Tensor; value: Tensor } {
    if (!(key instanceof Tensor) || !(value instanceof Tensor)) throw new ArgumentError('KVCache.append: key and value must be Tensors');
    if (key.ndim !== 4 || value.ndim !== 4 || key.shape[2] !== value.shape[2]) {
      throw new ShapeError(
        `KVCache.append: key and value must be (B, Hkv, T, dHead) with the same T, got key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)}`,
      );
    }
    if (this.#key !== null && this.#value !== null) {
      const [b, h, , d] = this.#key.shape;
      const dv = this.#value.shape[3];
      if (key.shape[0] !== b || key.shape[1] !== h || key.shape[3] !== d || value.shape[0] !== b || value.shape[1] !== h || value.shape[3] !== dv) {
        throw new ShapeError(
          `KVCache.append: key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)} do not match the cached ` +
            `key ${fmtShape(this.#key.shape)} and value ${fmtShape(this.#value.shape)} (batch, heads and head size must agree)`,
        );
      }
      this.#key = cat([this.#key, key], 2);
      this.#value = cat([this.#value, value], 2);
    } else {
      this.#key = key;
      this.#value = value;
    }
    return { key: this.#key, value: this.#value };
  }

  /** Empties the cache. */
  reset(): void {
    this.#key = null;
    this.#value = null;
  }
}
