import { defaultGenerator, markModified, noGrad, type Generator, type Tensor } from '@tsgrad/core';

// Initialisers write straight into a parameter's storage: they run once per parameter, have
// nothing to record, and must not trip the in-place checks that guard leaves requiring grad.

/** Options of the initialisers. */
export interface InitOptions {
  /** Source of randomness (default: the global generator). */
  generator?: Generator;
}

/** Fills `t` in place with samples of U(low, high); returns it. Works on leaves that require grad. */
export function initUniform_<T extends Tensor>(t: T, low: number, high: number, opts: InitOptions = {}): T {
  const g = opts.generator ?? defaultGenerator;
  return fillWith(t, () => low + (high - low) * g.random());
}

/** Fills `t` in place with samples of N(mean, std²); returns it. */
export function initNormal_<T extends Tensor>(t: T, mean = 0, std = 1, opts: InitOptions = {}): T {
  const g = opts.generator ?? defaultGenerator;
  return fillWith(t, () => mean + std * g.normal());
}

/** Fills `t` in place with `value`; returns it. */
export function initConstant_<T extends Tensor>(t: T, value: number): T {
  return fillWith(t, () => value);
}

function fillWith<T extends Tensor>(t: T, sample: () => number): T {
  noGrad(() => {
    const data = t.storage.data;
    const contiguous = t.isContiguous();
    if (contiguous) {
      for (let i = t.offset, end = t.offset + t.size; i < end; i++) data[i] = sample();
    } else {
      forEachIndex(t.shape, t.strides, t.offset, (i) => (data[i] = sample()));
    }
    markModified(t);
  });
  return t;
}

function forEachIndex(shape: readonly number[], strides: readonly number[], offset: number, fn: (i: number) => void): void {
  const walk = (dim: number, at: number): void => {
    if (dim === shape.length) {
      fn(at);
      return;
    }
    for (let k = 0; k < shape[dim]!; k++) walk(dim + 1, at + k * strides[dim]!);
  };
  walk(0, offset);
}
