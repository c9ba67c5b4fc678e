import { elementwiseWasm, initElementwiseWasm } from '../../src/kernels/elementwise-wasm.js';
import { softmaxRowsWasm } from '../../src/kernels/elementwise-wasm-softmax.js';
import { initWasmKernels } from '../../src/kernels/init-wasm.js';

// A browser main thread refuses synchronous compiles of modules over 4 KB: simulated by a
// WebAssembly.Module constructor that throws, as Chrome's does, while async compile works.
test('initElementwiseWasm compiles asynchronously where synchronous compilation is refused', async () => {
  const syncModule = WebAssembly.Module;
  (WebAssembly as { Module: unknown }).Module = function refused(): never {
    throw new RangeError('WebAssembly.Module is disallowed on the main thread, if the buffer size is larger than 4KB');
  };
  try {
    expect(elementwiseWasm()).toBeNull();
    const x = Float32Array.from({ length: 256 }, (_, i) => Math.sin(i));
    const out = new Float32Array(256);
    expect(softmaxRowsWasm(out, x, 0, 2, 128, false)).toBe(false);
    await expect(initElementwiseWasm()).resolves.toBe(true);
    expect(softmaxRowsWasm(out, x, 0, 2, 128, false)).toBe(true);
    let rowSum = 0;
    for (let j = 0; j < 128; j++) rowSum += out[j]!;
    expect(rowSum).toBeCloseTo(1, 5);
  } finally {
    (WebAssembly as { Module: unknown }).Module = syncModule;
  }
});

test('initWasmKernels reports every SIMD module as available on this runtime', async () => {
  const status = await initWasmKernels();
  expect(status.attention).toBe(true);
  expect(status.elementwise).toBe(true);
  expect(status.gemm).toMatch(/^wasm-/);
  await expect(initWasmKernels()).resolves.toEqual(status);
});
