import { Tensor, allocateUninitialized, contiguous, defineOp, isGradEnabled, zeros } from '@tsgrad/core';
import { gelu, geluBackward } from '../elementwise/gelu.js';
import { GELU_WASM_MIN } from '../kernels/elementwise-wasm-gelu.js';
import { WASM_MIN_MACS, gemmBackend } from '../kernels/gemm.js';
import { loadGemmEpilogue } from '../kernels/gemm-epilogue-wasm.js';
import { loadWasmKernel, wasmVariantOf } from '../kernels/gemm-wasm.js';
import {
  linearGeluBackwardWasm,
  linearGeluForwardWasm,
  type FusedGemmKernels,
  type LinearGeluShape,
} from '../kernels/linear-gelu-wasm.js';
import { parallelBackend } from '../parallel/parallel-backend.js';
import { checkLinearArgs, linear, linearGrads } from './linear.js';

interface LinearGeluArgs {
  /** False: `bias` is a placeholder and the layer has none. */
  hasBias: boolean;
  /** Keep gelu' of the pre-activation for the backward (a gradient will be needed). */
  keepDerivative: boolean;
}

/** The GEMM module and its epilogues when the fused kernels can run here: float32 on WebAssembly, no worker pool. */
function fusedKernels(x: Tensor, weight: Tensor, bias: Tensor | null): FusedGemmKernels | null {
  if (x.dtype !== 'float32' || weight.dtype !== 'float32' || (bias !== null && bias.dtype !== 'float32')) return null;
  // With a worker pool the separate linear op splits its GEMM across threads, which pays more.
  if (parallelBackend() !== null) return null;
  const { rows, inFeatures, outFeatures } = shapeOf(x, weight);
  if (rows * outFeatures < GELU_WASM_MIN || rows * outFeatures * inFeatures < WASM_MIN_MACS) return null;
  const variant = wasmVariantOf(gemmBackend());
  if (variant === null) return null;
  const kernel = loadWasmKernel(variant);
  const epilogue = kernel && loadGemmEpilogue(kernel, variant);
  return kernel && epilogue ? { kernel, epilogue } : null;
}

function shapeOf(x: Tensor, weight: Tensor): LinearGeluShape {
  const [outFeatures, inFeatures] = weight.shape as [number, number];
  const rows = x.shape.slice(0, -1).reduce((p, q) => p * q, 1);
  return { rows, inFeatures, outFeatures };
}

const dataOf = (t: Tensor): Float32Array => t.storage.data as Float32Array;

const LinearGelu = defineOp<'x' | 'weight' | 'bias', LinearGeluArgs, Float32Array | null>({
  name: 'linearGelu',
  inputs: ['x', 'weight', 'bias'],
  forward: ({ x, weight, bias }, { hasBias, keepDerivative }) => {
    const b = hasBias ? bias : null;
    const kernels = fusedKernels(x, weight, b);
    if (kernels !== null) {
      const shape = shapeOf(x, weight);
      const xc = contiguous(x);
      const wc = contiguous(weight);
      const bc = b === null ? null : contiguous(b);
      const size = shape.rows * shape.outFeatures;
      const y = allocateUninitialized('float32', size);
      const g = keepDerivative ? allocateUninitialized('float32', size) : null;
      const done = linearGeluForwardWasm(
        kernels, shape, dataOf(xc), xc.offset, dataOf(wc), wc.offset, bc && dataOf(bc), bc?.offset ?? 0, y, g,
      );
      if (done) return { output: Tensor.fromData(y, [...x.shape.slice(0, -1), shape.outFeatures]), saved: g };
    }
    // float64, or linear memory could not grow: the two ops (no graph is recorded here).
    return { output: gelu(linear(x, weight, b)), saved: null };
  },
  backward: ({ dy, inputs: { x, weight, bias }, args: { hasBias }, saved, needsGrad }) => {
    const b = hasBias ? bias : null;
    const kernels = saved !== null && !isGradEnabled() && dy.dtype === 'float32' ? fusedKernels(x, weight, b) : null;
    if (kernels !== null && saved !== null) {
      const shape = shapeOf(x, weight);
      const { rows, inFeatures: inF, outFeatures: outF } = shape;
      const dyc = contiguous(dy);
      const xc = contiguous(x);
      const wc = contiguous(weight);
      const dx = needsGrad.x ? allocateUninitialized('float32', rows * inF) : null;
      const dw = needsGrad.weight ? allocateUninitialized('float32', outF * inF) : null;
      const db = hasBias && needsGrad.bias ? allocateUninitialized('float32', outF) : null;
      const grads = { dx, dw, db };
      if (linearGeluBackwardWasm(kernels, shape, dataOf(dyc), dyc.offset, saved, dataOf(xc), xc.offset, dataOf(wc), wc.offset, grads)) {
        return {
          x: dx && Tensor.fromData(dx, x.shape),
          weight: dw && Tensor.fromData(dw, weight.shape),
          bias: db && Tensor.fromData(db, [outF]),
        };
      }
    }
    // Differentiable (a graph of the backward is being recorded), or not fused: the chain rule
    // with ops, through the pre-activation computed again.
    const dh = geluBackward(dy, linear(x, weight, b), 'none', saved);
    const grads = linearGrads(dh, x, weight, needsGrad);
    return { x: grads.x, weight: grads.weight, bias: b !== null && needsGrad.bias ? dh : null };
  },
});

/**
 * `gelu(linear(x, weight, bias))` with the exact (erf) GELU, PyTorch's
 * `F.gelu(F.linear(x, weight, bias))`: `x (..., in)`, `weight (out, in)`, optional `bias (out)`,
 * result `(..., out)`. For float32 on WebAssembly it runs as one op whose product never leaves
 * the GEMM module's memory: the GELU is applied there (the gelu op's SIMD kernel, ~1.5e-6
 * relative), and the backward forms dy·gelu' there for both gradient products. Elsewhere
 * (float64, no WebAssembly, a worker pool enabled, tiny sizes) it is exactly the two ops.
 *
 * ```ts
 * const h = linearGelu(x, fc1.weight, fc1.bias); // x (B, T, 64), weight (256, 64) → (B, T, 256)
 * ```
 */
export function linearGelu(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const b = bias ?? null;
  checkLinearArgs('linearGelu', x, weight, b);
  if (fusedKernels(x, weight, b) === null) return gelu(linear(x, weight, b));
  const keepDerivative = isGradEnabled() && (x.requiresGrad || weight.requiresGrad || (b?.requiresGrad ?? false));
  return LinearGelu.apply({ x, weight, bias: b ?? zeros([0]) }, { hasBias: b !== null, keepDerivative });
}
