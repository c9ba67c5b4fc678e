import { ArgumentError, DTypeError, Tensor, allocate, defaultGenerator, defineOp, isFloat, mul, registerMethod, type Generator } from '@tsgrad/core';

/** Options of {@link dropout}. */
export interface DropoutOptions {
  /** When false, dropout is the identity (evaluation mode). Default true. */
  training?: boolean;
  /** Source of randomness; the default generator (see `manualSeed`) when omitted. */
  generator?: Generator;
}

declare module '@tsgrad/core' {
  interface Tensor {
    /** `dropout(this, p, opts)`. */
    dropout(p: number, opts?: DropoutOptions): Tensor;
  }
}

interface DropoutArgs {
  p: number;
  generator: Generator;
}

const Dropout = defineOp<'x', DropoutArgs, { mask: Tensor }>({
  name: 'dropout',
  inputs: ['x'],
  saves: [],
  check: ({ x }) => {
    if (!isFloat(x.dtype)) throw new DTypeError(`dropout: input must be float32 or float64, got ${x.dtype}`);
  },
  forward: ({ x }, { p, generator }) => {
    // mask holds 0 or 1/(1-p); keep when 32 random bits clear p·2³² (probability 1 − p).
    const threshold = p * 4294967296;
    const scale = p === 1 ? 0 : 1 / (1 - p);
    const out = x.isContiguous() ? x.storage.data.slice(x.offset, x.offset + x.size) : x.toTypedArray();
    const m = allocate(x.dtype, out.length);
    for (let i = 0; i < out.length; i++) {
      const keep = generator.uint32() >= threshold ? scale : 0;
      m[i] = keep;
      out[i] = out[i]! * keep;
    }
    return { output: Tensor.fromData(out, x.shape), saved: { mask: Tensor.fromData(m, x.shape) } };
  },
  backward: ({ dy, saved: { mask } }) => ({ x: mul(dy, mask) }), // d(x∘m) = m dx, the same mask
});

/**
 * Zeroes each element independently with probability `p` and scales the kept ones by
 * 1/(1 − p), so the expectation is unchanged. Deterministic for a seeded `generator`. With
 * `p = 0` or `training: false` it returns `x` itself; `p = 1` gives zeros. `p` outside [0, 1]
 * is an ArgumentError; float dtypes only. The backward multiplies by the same mask.
 */
export function dropout(x: Tensor, p: number, opts: DropoutOptions = {}): Tensor {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ArgumentError(`dropout: p must be in [0, 1], got ${String(p)}`);
  if (opts.training === false || p === 0) return x;
  return Dropout.apply({ x }, { p, generator: opts.generator ?? defaultGenerator });
}

registerMethod('dropout', dropout);
