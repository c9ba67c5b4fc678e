import { checkGemmArgs } from '../../src/kernels/gemm-types.js';
import type { FloatArray, GemmArgs } from '../../src/kernels/gemm-types.js';
import { gemmWasm, loadWasmKernel } from '../../src/kernels/gemm-wasm.js';
import { makeCase, relativeError, standardCases } from './gemm-fixtures.js';

function runSimd(args: GemmArgs<FloatArray>): void {
  const kernel = loadWasmKernel('simd');
  if (kernel === null) throw new Error('WebAssembly SIMD is unavailable');
  if (!gemmWasm(kernel, args as GemmArgs<Float32Array>, checkGemmArgs(args))) throw new Error('memory did not grow');
}

describe('gemmWasm (WebAssembly SIMD kernel)', () => {
  it('is available in Node', () => {
    expect(loadWasmKernel('simd')).not.toBeNull();
  });

  for (const [name, spec] of standardCases(4)) {
    it(`matches the reference: ${name}`, () => {
      expect(relativeError(runSimd, makeCase(Float32Array, 41, spec))).toBeLessThan(1e-5);
    });
  }

  it('reuses its memory when sizes repeat', () => {
    const args = makeCase(Float32Array, 8, { m: 150, n: 70, k: 90 });
    runSimd(args);
    const memory = loadWasmKernel('simd')!.exports.memory;
    const bytes = memory.buffer.byteLength;
    for (let i = 0; i < 3; i++) runSimd(args);
    expect(memory.buffer.byteLength).toBe(bytes);
  });
});
