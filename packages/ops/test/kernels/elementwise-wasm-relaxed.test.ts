import { setFlagsFromString } from 'node:v8';
import { elementwiseWasm, refreshElementwiseWasm } from '../../src/kernels/elementwise-wasm.js';
// The SIMD build's checks, registered here again to run on the relaxed-SIMD (FMA) build.
import './elementwise-wasm.test.js';
import './elementwise-wasm-softmax.test.js';
import './elementwise-wasm-adam.test.js';

// Node 20 ships relaxed SIMD behind a flag; turning it on here lets the FMA build be tested.
// The flag is process-wide, so the refresh below picks the FMA build before any test runs.
setFlagsFromString('--experimental-wasm-relaxed-simd');
const variant = refreshElementwiseWasm();

test('the relaxed-SIMD build is the one in use', () => {
  expect(variant).toBe('relaxed-simd');
  expect(elementwiseWasm()).not.toBeNull();
});
