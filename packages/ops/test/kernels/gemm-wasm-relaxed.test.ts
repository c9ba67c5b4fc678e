import { setFlagsFromString } from 'node:v8';
import { checkGemmArgs } from '../../src/kernels/gemm-types.js';
import type { FloatArray, GemmArgs } from '../../src/kernels/gemm-types.js';
import { gemmWasm, loadWasmKernel } from '../../src/kernels/gemm-wasm.js';
import { makeCase, relativeError, standardCases } from './gemm-fixtures.js';

// Node 20 ships relaxed SIMD behind a flag; turning it on here lets the FMA build be tested.
// Newer Node versions have it on already.
setFlagsFromString('--experimental-wasm-relaxed-simd');

function runRelaxed(args: GemmArgs<FloatArray>): void {
  const kernel = loadWasmKernel('relaxed-simd');
  if (kernel === null) throw new Error('WebAssembly relaxed SIMD is unavailable');
  if (!gemmWasm(kernel, args as GemmArgs<Float32Array>, checkGemmArgs(args))) throw new Error('memory did not grow');
}

describe('gemmWasm (WebAssembly relaxed SIMD kernel)', () => {
  it('is available once the runtime validates relaxed SIMD', () => {
    expect(loadWasmKernel('relaxed-simd')).not.toBeNull();
  });

  for (const [name, spec] of standardCases(5)) {
    it(`matches the reference: ${name}`, () => {
      expect(relativeError(runRelaxed, makeCase(Float32Array, 51, spec))).toBeLessThan(1e-5);
    });
  }
});
