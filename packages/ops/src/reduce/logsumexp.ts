import { Tensor, allocate, checkNormalizedDims, defineOp, mul, reductionLayout, registerMethod, sub } from '@tsgrad/core';
import { floatResultType } from '../elementwise/dtype-rules.js';
import { exp } from '../elementwise/exp-log.js';
import { reductionDims, withKeptDims, type ReduceArgs, type ReduceDims } from './dims.js';

declare module '@tsgrad/core' {
  interface Tensor {
    /** `logsumexp(this, dim, keepDim)`. */
    logsumexp(dim?: ReduceDims, keepDim?: boolean): Tensor;
  }
}

function logsumexpKernel(x: Tensor, { dims, keepDim }: ReduceArgs): Tensor {
  const layout = reductionLayout(x, dims);
  const { data, length, rows } = layout;
  const out = allocate(floatResultType('logsumexp', x.dtype), rows);
  for (let r = 0, start = layout.offset; r < rows; r++, start += length) {
    const end = start + length;
    let m = -Infinity;
    for (let i = start; i < end; i++) {
      const v = data[i]!;
      if (v > m || v !== v) m = v;
      if (v !== v) break;
    }
    // A row of -Infinity (or holding +Infinity or NaN) is its own answer: no Inf − Inf.
    if (m === -Infinity || m === Infinity || m !== m) {
      out[r] = m;
      continue;
    }
    let s = 0;
    for (let i = start; i < end; i++) s += Math.exp(data[i]! - m);
    out[r] = m + Math.log(s);
  }
  return Tensor.fromData(out, keepDim ? layout.keptShape : layout.shape);
}

const LogSumExp = defineOp<'x', ReduceArgs>({
  name: 'logsumexp',
  inputs: ['x'],
  saves: ['x', 'output'],
  check: ({ x }, { dims }) => {
    floatResultType('logsumexp', x.dtype);
    checkNormalizedDims('logsumexp', 'dims', dims, x.ndim);
  },
  forward: ({ x }, args) => logsumexpKernel(x, args),
  // d lse = softmax(x) dx = e^(x − lse) dx
  backward: ({ dy, inputs: { x }, output, args: { dims, keepDim } }) => {
    const kept = (t: Tensor) => withKeptDims(t, x.shape, dims, keepDim);
    return { x: mul(kept(dy), exp(sub(x, kept(output)))) };
  },
});

/**
 * log Σ eˣ over `dim` (one, several, or all dims when omitted), computed stably by
 * subtracting the row maximum. A row of all -Infinity gives -Infinity (not NaN); an empty
 * reduction gives -Infinity. Float dtypes kept, int32 gives float32, bool refused.
 */
export function logsumexp(x: Tensor, dim?: ReduceDims, keepDim = false): Tensor {
  return LogSumExp.apply({ x }, { dims: reductionDims('logsumexp', x, dim), keepDim });
}

registerMethod('logsumexp', logsumexp);
