import { Generator, randn } from '@tsgrad/core';
import { attentionWasm, loadAttentionWasm } from '../../src/kernels/attention-wasm.js';
import { elementwiseWasm } from '../../src/kernels/elementwise-wasm.js';
import { gemmBackend } from '../../src/kernels/gemm.js';
import { gelu } from '../../src/elementwise/gelu.js';
import { matmul } from '../../src/linalg/matmul.js';
import { enableRelaxedSimd } from '../../src/node/relaxed-simd.js';

describe('enableRelaxedSimd', () => {
  test('switches GEMM, attention and the elementwise kernels to the relaxed-SIMD builds after they were already picked', () => {
    const g = new Generator(4);
    const a = randn([33, 70], { generator: g });
    const b = randn([70, 19], { generator: g });
    gemmBackend(); // resolve (and cache) the backend first, as a running program would have
    attentionWasm();
    elementwiseWasm();
    const before = matmul(a, b).toTypedArray();
    // Requiring grad sends GELU to the WebAssembly kernel (which also yields gelu' for the backward).
    const x = randn([4096], { generator: g }).mul(3).requiresGrad_();
    const geluBefore = gelu(x).toTypedArray();

    const status = enableRelaxedSimd();
    expect(status).toEqual({ enabled: true, gemm: 'wasm-relaxed-simd', attention: 'relaxed-simd', elementwise: 'relaxed-simd' });
    expect(gemmBackend()).toBe('wasm-relaxed-simd');
    expect(attentionWasm()).toBe(loadAttentionWasm('relaxed-simd'));

    // Same products up to rounding (FMA), against a float64 reference.
    const after = matmul(a, b).toTypedArray();
    const ad = a.toTypedArray();
    const bd = b.toTypedArray();
    for (let i = 0; i < 33; i++) {
      for (let j = 0; j < 19; j++) {
        let want = 0;
        for (let p = 0; p < 70; p++) want += ad[i * 70 + p]! * bd[p * 19 + j]!;
        expect(Math.abs(after[i * 19 + j]! - want)).toBeLessThan(1e-4);
        expect(Math.abs(after[i * 19 + j]! - before[i * 19 + j]!)).toBeLessThan(1e-4);
      }
    }
    // GELU through the FMA build: the same values to float32 rounding.
    const geluAfter = gelu(x).toTypedArray();
    geluAfter.forEach((v, i) => expect(Math.abs(v - geluBefore[i]!)).toBeLessThanOrEqual(2e-6 * (1 + Math.abs(geluBefore[i]!))));
    expect(enableRelaxedSimd().enabled).toBe(true); // idempotent
  });
});
